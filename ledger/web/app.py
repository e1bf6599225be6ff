"""The ASGI application: routes, and the ledger it serves.

``create_app(db)`` opens the ledger named by ``db`` (as ``--db`` does) once per server
process; ``app_from_env`` is the factory uvicorn's worker processes call (the ledger
named by ``$ROTH_LEDGER_DB``, which ``roth-ledger serve`` sets).
"""

from __future__ import annotations

import os
import secrets
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import Route

from ..app.session import EventStore
from . import api, desk, household, login
from .security import view
from .throttle import Throttle

SECRET_ENV = "ROTH_LEDGER_WEB_SECRET"


def routes() -> list[Route]:
    return [
        Route("/", view(login.home)),
        Route("/login", view(login.login_form, signed_in=False), methods=["GET"]),
        Route("/login", view(login.login_post, signed_in=False), methods=["POST"]),
        Route("/logout", view(login.logout_form), methods=["GET"]),
        Route("/logout", view(login.logout), methods=["POST"]),
        Route("/households/{household}", view(household.overview)),
        Route("/households/{household}/record", view(household.record), methods=["GET", "POST"]),
        Route(
            "/households/{household}/forms/{form}",
            view(household.tax_form),
            methods=["GET", "POST"],
        ),
        Route(
            "/households/{household}/events/{event_id}/void",
            view(household.void),
            methods=["POST"],
        ),
        Route("/households/{household}/people/{person}/basis", view(household.basis)),
        Route("/households/{household}/people/{person}/plan", view(household.plan)),
        Route("/households/{household}/people/{person}/reports/{kind}", view(household.report)),
        Route("/desk", view(desk.clients)),
        Route("/desk/households", view(desk.new_household), methods=["POST"]),
        Route("/desk/batch", view(desk.batch)),
        Route("/desk/batch.csv", view(desk.batch_csv)),
        Route("/api/households/{household}/reports/{kind}", view(api.report, api=True)),
    ]


def create_app(db: str | None = None, store: EventStore | None = None) -> Starlette:
    """The web desk over the ledger ``db`` (or an already open ``store``)."""
    from ..app.session import open_ledger, require_shared

    @asynccontextmanager
    async def lifespan(app):
        yield
        app.state.store.close()

    app = Starlette(routes=routes(), lifespan=lifespan)
    app.state.store = store if store is not None else open_ledger(db)
    try:  # users, sessions and events in the one ledger every worker sees
        require_shared(app.state.store)
    except Exception:
        if store is None:
            app.state.store.close()
        raise
    app.state.secret = _secret()
    app.state.throttle = Throttle()
    return app


def _secret() -> bytes:
    """The key that signs sign-in form tokens: ``$ROTH_LEDGER_WEB_SECRET`` (hex; `serve`
    makes one for all its workers), else a new one for this process."""
    given = os.environ.get(SECRET_ENV)
    if given:
        try:
            return bytes.fromhex(given)
        except ValueError:
            return given.encode()
    return secrets.token_bytes(32)


def app_from_env() -> Starlette:
    return create_app(os.environ.get("ROTH_LEDGER_DB"))
