"""Signing in and out, and the page each role starts from."""

from __future__ import annotations

from starlette.responses import RedirectResponse

from ..app import accounts
from .render import page
from .security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Ctx,
    Refused,
    clear_session_cookie,
    login_csrf,
    login_csrf_ok,
    set_login_csrf_cookie,
    set_session_cookie,
)


def home(ctx: Ctx):
    user = ctx.user
    if user.role == "preparer":
        return RedirectResponse("/desk", status_code=303)
    return RedirectResponse(f"/households/{user.household}", status_code=303)


def _form(ctx: Ctx, message: str | None = None, username: str = "", status: int = 200):
    token, new = login_csrf(ctx.request)
    response = page(
        ctx,
        "login.html",
        status=status,
        title="Sign in",
        login_csrf=token,
        message=message,
        username=username,
    )
    if new:
        set_login_csrf_cookie(response, token, ctx.secure)
    return response


def login_form(ctx: Ctx):
    return _form(ctx)


def login_post(ctx: Ctx):
    if not login_csrf_ok(ctx.request, ctx.form.get("csrf_token")):
        raise Refused(403, "refused: missing or wrong CSRF token (reload the sign-in page)")
    username = (ctx.form.get("username") or "").strip()
    throttle, address = ctx.request.app.state.throttle, _address(ctx)
    if throttle.blocked(address):
        raise Refused(429, "too many failed sign-ins from this address: try again later")
    try:
        user = accounts.authenticate(ctx.store, username, ctx.form.get("password") or "")
    except accounts.SignInRefused as exc:
        throttle.failed(address)
        response = _form(ctx, str(exc), username, status=401)
        response.delay = throttle.delay(address)  # waited out by the view, asynchronously
        return response
    old = ctx.request.cookies.get(SESSION_COOKIE)
    accounts.end_session(ctx.store, old)  # a new session id at every sign-in
    token, _ = accounts.start_session(ctx.store, user)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, token, ctx.secure)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


def _address(ctx: Ctx) -> str:
    client = ctx.request.client
    return client.host if client else "?"


def logout_form(ctx: Ctx):
    """Signing out changes state, so it is a POST with the CSRF token: this page asks."""
    return page(ctx, "logout.html", title="Sign out")


def logout(ctx: Ctx):
    accounts.end_session(ctx.store, ctx.request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, ctx.secure)
    return response
