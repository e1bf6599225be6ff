"""Query parameters, read with the command line's own readers; a bad one is a 400 that
names the parameter."""

from __future__ import annotations

from datetime import date

from ..app import session
from ..events import checked_date
from .security import Ctx, Refused


def tax_year(ctx: Ctx, name: str = "tax_year") -> int:
    """A required year."""
    value = year(ctx, name, required=True)
    assert value is not None
    return value


def year(ctx: Ctx, name: str, required: bool = True) -> int | None:
    raw = ctx.query(name)
    if raw is None:
        if required:
            raise Refused(400, f"{name}: missing (a tax year, e.g. 2024)")
        return None
    try:
        return session.read_year(raw, report=True)  # the same check as -y/--tax-year
    except ValueError as exc:
        raise Refused(400, f"{name}: {exc}") from None


def day(ctx: Ctx, name: str) -> date | None:
    raw = ctx.query(name)
    if raw is None:
        return None
    try:
        return checked_date(raw)  # the same check as a DATE option
    except ValueError as exc:
        raise Refused(400, f"{name}: {exc}") from None


def policy(ctx: Ctx):
    ratio = ctx.query("ratio_precision", "exact")
    irr = ctx.query("irr_recapture", "carry")
    if ratio not in session.RATIO_PRECISIONS:
        raise Refused(400, f"ratio_precision: {ratio!r} is not one of exact, 3")
    if irr not in session.IRR_RECAPTURES:
        raise Refused(400, f"irr_recapture: {irr!r} is not one of carry, none")
    return session.policy(ratio, irr)
