"""The JSON API: ``GET /api/households/{household}/reports/{kind}`` answers exactly what
``roth-ledger report KIND ... --format json`` prints (the same function renders both),
with the same authorization as the pages (401 without a session, 404 for a household
the user may not see)."""

from __future__ import annotations

from ..app import reporting
from . import params
from .render import json_text
from .security import Ctx, Refused


def report(ctx: Ctx):
    household = ctx.household(ctx.request.path_params["household"])
    kind = ctx.request.path_params["kind"]
    if kind not in reporting.REPORT_KINDS:
        raise Refused(404, f"no report {kind!r} (reports: {', '.join(reporting.REPORT_KINDS)})")
    if not ctx.store.version(household):
        raise Refused(404, "not found")
    person = ctx.query("person")
    if person is None:
        raise Refused(400, "person: missing")
    text = reporting.report_text(
        ctx.store,
        kind,
        household,
        person,
        params.policy(ctx),
        "json",
        tax_year=params.year(ctx, "tax_year", required=kind != "basis"),
        as_of=params.day(ctx, "as_of"),
        known_on=params.day(ctx, "as_known_on"),
        explain=ctx.query("explain") in ("1", "true", "yes", "on"),
    )
    return json_text(text)
