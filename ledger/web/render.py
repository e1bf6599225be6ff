"""Templates (Jinja2, autoescaped: everything a user typed is shown as text) and the
responses built from them."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from starlette.responses import HTMLResponse, JSONResponse, Response

from ..money import MoneyError, fmt_table, parse_money


def money(value) -> str:
    """A report's money string with thousands separators ("48000.00" -> "48,000.00")."""
    if value in (None, ""):
        return "—"
    try:
        return fmt_table(parse_money(value, allow_negative=True))
    except MoneyError:
        return str(value)


@cache
def environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ledger.web", "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = money
    return env


def page(ctx, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("title", "roth-ledger")
    html = (
        environment()
        .get_template(template)
        .render(
            user=ctx.signed_in.user if ctx.signed_in else None,
            csrf_token=ctx.csrf,
            path=ctx.request.url.path,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status)


def error_response(ctx, status: int, message: str, api: bool = False) -> Response:
    if api or ctx.request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    return page(ctx, "error.html", status=status, title=f"{status}", message=message)


def tampered_response(ctx, message: str, api: bool = False) -> Response:
    """409 for a household whose stored rows were changed outside roth-ledger (the
    command line's exit 6): what is wrong (the event, in the command line's words) and
    what to do; the request stored nothing and shows no figure."""
    if api or ctx.request.url.path.startswith("/api/"):
        return JSONResponse({"error": message, "tampered": True}, status_code=409)
    return page(
        ctx,
        "tampered.html",
        status=409,
        title="This household's ledger was changed outside roth-ledger",
        message=message,
    )


def json_text(text: str) -> Response:
    """A JSON body exactly as given (the CLI's own bytes)."""
    json.loads(text)  # a report is always JSON; fail loudly if not
    return Response(text, media_type="application/json")
