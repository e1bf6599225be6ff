"""Sign-in, sessions, CSRF and the guard every page goes through.

* The session cookie holds a random token (:func:`ledger.app.accounts.start_session`);
  it is ``HttpOnly``, ``SameSite=Lax``, ``Secure`` when the request came over TLS
  (directly or, with ``--forwarded-allow-ips``, through a proxy's X-Forwarded-Proto),
  and ends with the session's expiry.
* Every state-changing request (POST) must carry the session's CSRF token as the form
  field ``csrf_token`` (or the header ``X-CSRF-Token``); the sign-in form, before any
  session, carries a token the server signed (HMAC-SHA256, one hour), which must also
  equal the sign-in cookie when the browser holds it (double submit). A browser's
  ``Origin`` must be this site. A missing or wrong token is refused (403) before
  anything else runs.
* A household the user may not see is answered exactly as one that does not exist (404).
* A household whose stored rows were changed outside roth-ledger (a broken hash chain,
  an unreadable row: the command line's exit 6) is answered 409 on every page and
  every write, with a page naming the broken event and saying to run
  ``roth-ledger verify``; nothing is stored, no figure is shown.
* Every response carries a strict Content-Security-Policy (no script at all), no-store
  caching, ``X-Frame-Options: DENY`` and ``nosniff``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..app import accounts, session
from ..dataclass import dataclass

SESSION_COOKIE = "roth_ledger_session"
LOGIN_CSRF_COOKIE = "roth_ledger_login_csrf"
#: the command line's exit code for an error (ledger.app.session) -> the HTTP status
HTTP_STATUS = {2: 400, 3: 404, 4: 409, 5: 503, 6: 409}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class Refused(Exception):
    """Stop the request with this status and message (403 CSRF, 404 not found...)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Ctx:
    """What a view gets: the request, the form (POST), the signed-in user."""

    request: Request
    store: Any
    form: dict[str, str] = field(default_factory=dict)
    signed_in: accounts.SignedIn | None = None
    secure: bool = False

    @property
    def user(self) -> accounts.User:
        assert self.signed_in is not None
        return self.signed_in.user

    @property
    def csrf(self) -> str:
        return self.signed_in.session.csrf_token if self.signed_in else ""

    def query(self, name: str, default: str | None = None) -> str | None:
        value = self.request.query_params.get(name)
        return value if value not in (None, "") else default

    def household(self, household: str) -> str:
        """The household, if this user may see it; else 404 exactly as for one that
        does not exist."""
        if not accounts.can_see(self.user, household):
            raise Refused(404, "not found")
        if self.user.role != "client" and not self.store.version(household):
            raise Refused(404, "not found")
        return household


def is_secure(request: Request) -> bool:
    return request.url.scheme == "https"


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def set_session_cookie(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=accounts.SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )


def clear_session_cookie(response: Response, secure: bool) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure)


LOGIN_TOKEN_SECONDS = 3600


def _sign(secret: bytes, stamp: str, nonce: str) -> str:
    return hmac.new(secret, f"login:{stamp}:{nonce}".encode(), hashlib.sha256).hexdigest()


def new_login_token(secret: bytes, now: float | None = None) -> str:
    stamp = str(int(time.time() if now is None else now))
    nonce = secrets.token_urlsafe(16)
    return f"{stamp}.{nonce}.{_sign(secret, stamp, nonce)}"


def login_token_valid(secret: bytes, token: str | None, now: float | None = None) -> bool:
    """A sign-in form token this server issued within the last hour."""
    stamp, _, rest = (token or "").partition(".")
    nonce, _, mac = rest.partition(".")
    if not (stamp.isdigit() and nonce and mac):
        return False
    age = (time.time() if now is None else now) - int(stamp)
    return 0 <= age <= LOGIN_TOKEN_SECONDS and hmac.compare_digest(mac, _sign(secret, stamp, nonce))


def login_csrf(request: Request) -> tuple[str, bool]:
    """The sign-in form's token: the browser's cookie if it holds a live one, else a new
    one (True: the cookie must be set)."""
    secret = request.app.state.secret
    token = request.cookies.get(LOGIN_CSRF_COOKIE)
    if token is not None and login_token_valid(secret, token, time.time() + 300):
        return token, False  # it has five minutes left at least
    return new_login_token(secret), True


def login_csrf_ok(request: Request, sent: str | None) -> bool:
    """The sign-in form's token is one this server signed, recently, and (when the
    browser holds the sign-in cookie) the cookie's own: a double submit, which a page
    of another site cannot make."""
    if not login_token_valid(request.app.state.secret, sent):
        return False
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    return cookie is None or same(cookie, sent)


def same_origin(request: Request) -> bool:
    """A browser's POST names the page it came from in ``Origin``: it must be this site
    (clients that send no Origin are judged by their CSRF token alone)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/") == host


def set_login_csrf_cookie(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="lax", secure=secure
    )


def with_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def view(
    fn: Callable[[Ctx], Response], *, signed_in: bool = True, api: bool = False
) -> Callable[[Request], Any]:
    """Wrap a plain (blocking) view: parse the form, check the session and the CSRF
    token, run the view in a worker thread, add the security headers."""
    from .render import error_response, tampered_response

    async def endpoint(request: Request) -> Response:
        store = request.app.state.store
        ctx = Ctx(request, store, secure=is_secure(request))
        try:
            if request.method == "POST":
                if not same_origin(request):
                    raise Refused(403, "refused: the form was sent from another site")
                ctx.form = await _form(request)
            if signed_in:
                token = request.cookies.get(SESSION_COOKIE)
                ctx.signed_in = await run_in_threadpool(accounts.session_user, store, token)
                if ctx.signed_in is None:
                    if api:
                        raise Refused(401, "sign in first (POST /login)")
                    if request.method == "POST":
                        raise Refused(403, "your session has ended: sign in again")
                    return with_headers(RedirectResponse("/login", status_code=303))
                if request.method == "POST":
                    sent = ctx.form.get("csrf_token") or request.headers.get("x-csrf-token")
                    if not same(sent, ctx.csrf):
                        raise Refused(403, "refused: missing or wrong CSRF token")
            response = await run_in_threadpool(fn, ctx)
            delay = getattr(response, "delay", 0)
            if delay:
                await asyncio.sleep(delay)
        except Refused as exc:
            response = error_response(ctx, exc.status, exc.message, api)
        except session.Tampered as exc:  # the household's own state refuses (exit 6)
            response = tampered_response(ctx, str(exc), api)
        except Exception as exc:
            code = session.error_exit_code(exc)
            status = HTTP_STATUS.get(code) if code is not None else None
            if status is None:
                raise  # a bug: let the server log it
            message = str(exc).split(" (households:")[0]  # never the ledger's households
            response = error_response(ctx, status, message, api)
        return with_headers(response)

    endpoint.__name__ = fn.__name__
    return endpoint
