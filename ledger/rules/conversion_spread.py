"""Conversion income spread over later years: the 1998 and 2010 rules.

Sources: IRC §408A(d)(3)(A)(iii) (a conversion distributed in 2010 is included in income
half in 2011 and half in 2012 unless the taxpayer elects to include it all in 2010;
Tax Increase Prevention and Reconciliation Act of 2005 §512); §408A(d)(3)(A)(iii) as
enacted by the Taxpayer Relief Act of 1997 (a 1998 conversion ratably over the four
years beginning with 1998, unless elected out); §408A(d)(3)(E) (acceleration: a
distribution in 2010 or 2011 -- for 1998, before 2001 -- of the converted amount that
was to be included is included in the year distributed, and a later year's inclusion
never exceeds what is left); Instructions for Form 8606 (2010), "2010 conversions" and
lines 20a/20b; Pub 590 (2010), "Conversion income spread".

``inclusion`` gives one year's amount: the scheduled share plus the year's accelerated
distributions, never more than what is left; the last scheduled year takes what is left
(so the cents add up to the total).
"""

from __future__ import annotations

from decimal import Decimal

from ..money import ZERO
from .halfup import cents

#: income year -> the years its deferred conversion income is scheduled in
SCHEDULES: dict[int, tuple[int, ...]] = {1998: (1998, 1999, 2000, 2001), 2010: (2011, 2012)}
CITE = (
    "IRC §408A(d)(3)(A)(iii), (E): 1998 conversions over 4 years, 2010 conversions half in "
    "2011 and 2012 unless elected out; a distribution of the converted amount accelerates "
    "it (Instructions for Form 8606 (2010))"
)


def last_year(income_year: int) -> int:
    return SCHEDULES[income_year][-1]


def inclusion(
    total: Decimal, income_year: int, year: int, included_before: Decimal, accelerated: Decimal
) -> Decimal:
    """The deferred conversion income of ``income_year`` included in ``year``."""
    schedule = SCHEDULES[income_year]
    left = max(total - included_before, ZERO)
    if year == schedule[-1]:
        return left
    share = cents(total / len(schedule)) if year in schedule else ZERO
    return min(share + max(accelerated, ZERO), left)
