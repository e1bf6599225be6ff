"""Rollovers between IRAs: what of a distribution is not a distribution, and the
one-rollover-per-12-months limit.

Sources:

- IRC §408(d)(3)(A)(i): an amount distributed from an IRA is not included in gross income
  to the extent it is paid into an IRA for the same person no later than 60 days after it
  was received (a rollover); §408A(e)(1)(A): a rollover from one Roth IRA to another that
  meets §408(d)(3) is a qualified rollover contribution. Pub 590-B: "You also don't
  include distributions from your Roth IRA that you roll over tax free into another Roth
  IRA."
- Form 8606 Parts I and III: "a distribution does not include a rollover" (nor a
  conversion, a recharacterization or a return of certain contributions); Instructions
  for Form 8606, lines 7 and 19: only the part not rolled over is entered; line 6 counts
  outstanding rollovers in the year-end value. So a $10,000 Roth IRA distribution of
  which $10,000 is rolled over puts nothing on line 19, and one of which $4,000 is
  rolled over puts $6,000 there.
- IRC §408(d)(3)(B): no more than one such rollover in any 1-year period. Bobrow v.
  Commissioner, T.C. Memo. 2014-21, Announcement 2014-15 and Announcement 2014-32: the
  limit applies to all of a person's IRAs together -- traditional, SEP, SIMPLE and Roth
  (a Roth-to-Roth rollover bars a traditional-to-traditional one within the year and vice
  versa) -- for distributions after 2014. Pub 590-A, "Rollover From One IRA Into
  Another": the 1-year period begins on the date the distribution is received, not the
  date it is rolled over; conversions, trustee-to-trustee transfers and rollovers to or
  from employer plans are not subject to it.

Before 2015 the limit applied IRA by IRA (Prop. Reg. 1.408-4(b)(4)(ii), withdrawn), and
Announcement 2014-32 disregards a 2014 rollover for a 2015 distribution from a different
IRA; the ledger does not know the accounts, so a rollover distributed before 2015 is not
checked (never refused).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from ..dataclass import dataclass

ZERO = Decimal("0")
#: the first day on which the aggregate (all-IRAs) limit applies (Announcement 2014-32)
AGGREGATE_FROM = date(2015, 1, 1)
CITE_LIMIT = (
    "IRC §408(d)(3)(B); Announcement 2014-15; Pub 590-A, Rollover From One IRA Into Another"
)
CITE_NOT_DISTRIBUTED = (
    "IRC §408(d)(3)(A); Form 8606 Parts I and III (a distribution does not include a rollover)"
)


@dataclass(frozen=True, slots=True)
class Rollover:
    """A distribution some of which was rolled over, as the limit sees it."""

    id: str
    date: date  # the day the distribution was received


def distributed(amount: Decimal, rolled_over: Decimal | None) -> Decimal:
    """What is a distribution (Form 8606 line 7 / line 19): the amount less the part
    rolled over within 60 days. ``rolled_over`` must not exceed ``amount``."""
    rolled = rolled_over or ZERO
    if rolled < 0 or rolled > amount:
        raise ValueError(f"rolled over {rolled} is not between 0 and the amount {amount}")
    return amount - rolled


def one_year_after(day: date) -> date:
    """The first day outside the 1-year period that begins on ``day`` (Feb 29 -> Mar 1)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 3, 1)


def within_one_year(a: date, b: date) -> bool:
    """Both days fall in one 1-year period (§408(d)(3)(B))."""
    first, second = sorted((a, b))
    return second < one_year_after(first)


def conflicting_rollover(on: date, others: Iterable[Rollover]) -> Rollover | None:
    """The person's other rollover whose distribution is within a year of ``on`` (the
    earliest such), or None. Distributions before 2015 are not checked (module docstring)."""
    if on < AGGREGATE_FROM:
        return None
    hits = [o for o in others if o.date >= AGGREGATE_FROM and within_one_year(o.date, on)]
    return min(hits, key=lambda o: (o.date, o.id)) if hits else None
