"""The preparer's desk: clients (with search) and what each is missing for a tax year,
and the batch of a tax year with its CSV. A client asking for any of it gets 404."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response

from ..app import desk, reporting
from ..app.batch import COLUMNS, totals, write_csv
from ..app.importing import record_event
from . import params
from .render import page
from .security import Ctx, Refused


def _preparer(ctx: Ctx) -> None:
    if ctx.user.role != "preparer":
        raise Refused(404, "not found")


def _year(ctx: Ctx) -> int:
    return params.year(ctx, "tax_year", required=False) or date.today().year - 1


def clients(ctx: Ctx):
    _preparer(ctx)
    year = _year(ctx)
    policy = params.policy(ctx)
    query = ctx.query("q", "")
    found, matched = desk.find_clients(ctx.store, query, limit=50)
    statuses = {
        c.household: desk.client_status(ctx.store, c.household, year, policy) for c in found
    }
    return page(
        ctx,
        "desk.html",
        title="Clients",
        clients=found,
        matched=matched,
        statuses=statuses,
        query=query,
        year=year,
        quote=quote,
    )


def new_household(ctx: Ctx):
    """A new client: record the household's name (then its people on its own page)."""
    _preparer(ctx)
    household = (ctx.form.get("household") or "").strip()
    name = (ctx.form.get("name") or "").strip()
    if not household or ctx.store.version(household):
        message = "household: missing" if not household else "household: already in the ledger"
        return page(
            ctx, "error.html", status=400, title="Not created", message=message, back="/desk"
        )
    record_event(ctx.store, household, "household", {"name": name}, ctx.user.username)
    return RedirectResponse(f"/households/{quote(household, safe='')}", status_code=303)


def _rows(ctx: Ctx, year: int) -> list[dict]:
    policy = params.policy(ctx)
    known_on = params.day(ctx, "as_known_on")
    # one process: forking a threaded server is not safe
    return list(reporting.batch_report(ctx.store, year, policy, known_on, jobs=1))


def batch(ctx: Ctx):
    _preparer(ctx)
    year = _year(ctx)
    rows = _rows(ctx, year) if ctx.query("tax_year") else None
    return page(
        ctx,
        "batch.html",
        title=f"Batch {year}",
        year=year,
        rows=rows,
        columns=COLUMNS,
        totals=totals(rows) if rows else None,
        query=str(ctx.request.query_params),
        quote=quote,
    )


def batch_csv(ctx: Ctx):
    _preparer(ctx)
    year = params.tax_year(ctx)
    out = io.StringIO()
    write_csv(_rows(ctx, year), out)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="roth-batch-{year}.csv"'},
    )
