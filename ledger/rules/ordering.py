"""Roth IRA ordering: which basis layer each withdrawn dollar comes from.

IRC §408A(d)(4)(B); Treas. Reg. 1.408A-6 A-8 (order of recovery) and A-9 (aggregation):
distributions come first from regular contributions, then from conversion and rollover
contributions first-in-first-out by year (within a year the taxable part before the
nontaxable part), then from earnings. The order is applied to all of the year's
distributions together as of the end of the year; regular contributions FOR the year
(even when made by the next April deadline) count. Designated Roth account rollovers are
not conversions: their investment in the contract joins the regular-contribution tier
(§408A(d)(3)(B) last sentence; Reg. 1.408A-10 A-3; Form 8606 line 22).

The tiers are a table of small steps (like beancount's booking methods): each step turns
the person's state into ordered buckets; :func:`walk` takes dollars from the buckets in
that order. With the ``irr_recapture=carry`` policy the designated-Roth tier comes after
direct regular contributions and puts in-plan-rollover taxable amounts still inside their
window first (RULES.md section 0).

Example (Form 5329 instructions 2016, recapture example): $4,000 regular, 2012 conversion
$20,000 ($15,000 taxable), 2013 conversion $10,000 ($7,000 taxable), $33,000 out in 2016 →
$4,000 regular, $15,000 + $5,000 (2012), $7,000 + $2,000 (2013).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import field
from datetime import date
from decimal import Decimal

from ..dataclass import dataclass
from ..money import ZERO
from .recapture import in_window

CITE_REGULAR = "Reg. 1.408A-6 A-8: regular contributions are recovered first"
CITE_DRR = (
    "§408A(d)(3)(B); Reg. 1.408A-10 A-3: a designated Roth rollover's investment in the "
    "contract is treated as regular contributions (Form 8606 line 22)"
)
CITE_DRR_IRR = (
    "Notice 2010-84 Q&A-12 (irr_recapture=carry): the in-plan rollover's taxable amount keeps "
    "its 5-year recapture clock"
)
CITE_CONVERSION = (
    "Reg. 1.408A-6 A-8/A-9: conversion and rollover contributions next, first-in-first-out "
    "by year, taxable part first"
)
CITE_EARNINGS = "Reg. 1.408A-6 A-8: earnings are recovered last"


@dataclass(slots=True)
class Bucket:
    """One slot of the order with the dollars still in it (mutated only by the projection
    that owns it)."""

    source: str  # regular_contributions | designated_roth_rollover | conversion | plan_rollover
    year: int | None
    portion: str | None  # taxable | nontaxable | None
    clock_year: int | None
    remaining: Decimal
    event_ids: list[str] = field(default_factory=list)
    citation: str = ""

    def recapturable_on(self, on: date) -> bool:
        """True if dollars drawn from here on ``on`` fall under a 10% recapture clock."""
        return self.portion == "taxable" and in_window(self.clock_year, on)


@dataclass(frozen=True, slots=True)
class Take:
    """An amount drawn from one slot of the order (bucket None: earnings)."""

    bucket: Bucket | None  # None = earnings
    amount: Decimal

    @property
    def source(self) -> str:
        return self.bucket.source if self.bucket else "earnings"


# Each step keeps the buckets with dollars left, in a list sorted (stably) only when it
# has two or more: what ``sorted(live, key=...)`` gives, without its cost for the one
# bucket or none most people have in a tier (tests/rules/test_ordering_steps.py).


def _year(b: Bucket) -> int:
    return b.year or 0


def regular_step(
    regular: Iterable[Bucket], drr: Iterable[Bucket], conv, on: date, policy
) -> list[Bucket]:
    live = [b for b in regular if b.remaining > ZERO]
    if len(live) > 1:
        live.sort(key=_year)
    return live


def designated_roth_step(regular, drr: Iterable[Bucket], conv, on: date, policy) -> list[Bucket]:
    """Rollover basis, oldest rollover first; under ``carry`` the IRR taxable amounts still
    inside their window come first within each rollover."""
    live = [b for b in drr if b.remaining > ZERO]
    if len(live) < 2:
        return live
    if policy.irr_recapture != "carry":
        return sorted(live, key=lambda b: (b.year or 0, 1 if b.portion == "nontaxable" else 0))

    def key(b: Bucket):
        hot = b.recapturable_on(on)
        return (b.year or 0, 0 if hot else 1, b.clock_year or 0)

    return sorted(live, key=key)


_CONVERSION_ORDER: dict[tuple[str, str | None], int] = {
    ("conversion", "taxable"): 0,
    ("plan_rollover", "taxable"): 1,
    ("conversion", "nontaxable"): 2,
    ("plan_rollover", "nontaxable"): 3,
}


def conversion_step(regular, drr, conv: Iterable[Bucket], on: date, policy) -> list[Bucket]:
    order = _CONVERSION_ORDER
    live = [b for b in conv if b.remaining > ZERO]
    if len(live) > 1:
        live.sort(key=lambda b: (b.year or 0, order[(b.source, b.portion)]))
    elif live:
        order[(live[0].source, live[0].portion)]  # a slot of no known order fails as before
    return live


TIERS: tuple[tuple[str, Callable[..., list[Bucket]], str], ...] = (
    ("regular_contributions", regular_step, CITE_REGULAR),
    ("designated_roth_rollover", designated_roth_step, CITE_DRR),
    ("conversions", conversion_step, CITE_CONVERSION),
)


def ordered_buckets(regular, drr, conv, on: date, policy) -> list[Bucket]:
    out: list[Bucket] = []
    for _name, step, _cite in TIERS:
        out.extend(step(regular, drr, conv, on, policy))
    return out


def walk(buckets: list[Bucket], amount: Decimal) -> list[Take]:
    """Take ``amount`` from the buckets in order (mutating their ``remaining``); whatever
    the buckets cannot cover comes from earnings. Every dollar is drawn from exactly one
    bucket."""
    takes: list[Take] = []
    left = _draw(buckets, amount, takes)
    if left > 0:
        takes.append(Take(None, left))
    return takes


def _draw(buckets: Iterable[Bucket], left: Decimal, takes: list[Take] | None) -> Decimal:
    """Draw ``left`` from the buckets in order (each take into ``takes`` unless None);
    returns what they could not cover."""
    for b in buckets:
        if left <= ZERO:
            break
        remaining = b.remaining
        if remaining <= ZERO:
            continue
        take = left if left < remaining else remaining  # min(remaining, left), the same object
        b.remaining = remaining - take
        left -= take
        if takes is not None:
            takes.append(Take(b, take))
    return left


def consume(regular, drr, conv, on: date, policy, amount: Decimal) -> None:
    """``walk(ordered_buckets(regular, drr, conv, on, policy), amount)`` with the takes
    left out (the same buckets drawn, by the same amounts): a tier is ordered only when
    the tiers before it did not cover ``amount`` -- the walk would stop before it. A tier's
    order never depends on another tier's buckets, so ordering it after the earlier walk
    gives the same list. ``regular`` must be a collection (it is read once per tier)."""
    left = amount
    for _name, step, _cite in TIERS:
        if left <= ZERO:
            return
        left = _draw(step(regular, drr, conv, on, policy), left, None)


def total(buckets: Iterable[Bucket]) -> Decimal:
    return sum((b.remaining for b in buckets), ZERO)
