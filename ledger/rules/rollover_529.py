"""529-to-Roth IRA rollovers: IRC §529(c)(3)(E) (SECURE 2.0 §126, distributions after
2023-12-31) and §408A(e)(1)(C).

The statute: a distribution from a qualified tuition program "maintained for the 15-year
period ending on the date of such distribution", of amounts contributed before the 5-year
period ending on that date (and their earnings), paid in a direct trustee-to-trustee
transfer to a Roth IRA of the designated beneficiary, is not taxed (§529(c)(3)(E)(i)),

* **annual limit** (clause (ii)(I)): only up to "the amount applicable to the designated
  beneficiary under section 408A(c)(2) for the taxable year" -- the §219(b) dollar limit
  with the 50+ catch-up, at most the compensation -- "reduced by the amount of aggregate
  contributions made during the taxable year to all individual retirement plans" of the
  beneficiary. The §408A(c)(3) MAGI phase-out is not part of that amount, so no income
  limit applies; the rollover does use up the year's IRA limit (Pub 590-A, "Qualified
  tuition program rollover to a Roth IRA": "cannot be more than the Roth IRA annual
  contributions limit");
* **lifetime limit** (clause (ii)(II)): $35,000 of such distributions for the beneficiary,
  all years together.

It is a *qualified rollover contribution* (§408A(e)(1)(C)), and the 529's "earnings and
contributions ... shall be treated in the same manner as the earnings and contributions of
a Roth IRA" rolled over: the part that was 529 contributions (Form 1099-Q box 3) is Roth
contribution basis (the first tier of Treas. Reg. §1.408A-6 A-8), the part that was 529
earnings is Roth IRA earnings. A rollover made from January 1 to the filing deadline may be
designated for the year before and "would be reported as a Roth IRA contribution" for it
(Pub 590-A, 2023 and 2024); the ledger lets it start the 5-year clock of that year, as the
contribution Form 5498 box 10 reports it as (the IRS has not said otherwise).

What the ledger does with an amount over a limit: the part over the lifetime $35,000 is not
a §529(c)(3)(E) rollover; money kept in the Roth IRA that is not a qualified rollover is a
regular contribution (§408A(e): no other rollover may be made to a Roth IRA), so it is
counted as one, income limit and all. The part over the annual limit is a Roth IRA excess
contribution (§4973(f)), taxed on Form 5329 Part IV until withdrawn or absorbed. The tax on
the 529 side (§529(c)(3)(A), (c)(6)) is not in this ledger. Not checkable from the
ledger: the 5-year contribution look-back; the 15 years is checked when ``account_opened``
is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from ..money import ZERO

FIRST_DAY = date(2024, 1, 1)  # SECURE 2.0 §126(c): distributions after December 31, 2023
LIFETIME_LIMIT = Decimal(35000)  # §529(c)(3)(E)(ii)(II)
ACCOUNT_YEARS = 15  # §529(c)(3)(E)(i)
CITE = "IRC §529(c)(3)(E), §408A(e)(1)(C) (SECURE 2.0 §126); Pub 590-A"


def open_long_enough(opened: date, on: date) -> bool:
    """§529(c)(3)(E)(i): maintained for the 15-year period ending on the distribution day."""
    try:
        fifteen = opened.replace(year=opened.year + ACCOUNT_YEARS)
    except ValueError:  # opened on Feb 29
        fifteen = date(opened.year + ACCOUNT_YEARS, 3, 1)
    return on >= fifteen


def within_lifetime(amounts: Iterable[Decimal]) -> list[tuple[Decimal, Decimal]]:
    """Each rollover (in date order) as (the part within the $35,000 lifetime limit, the
    part over it)."""
    out = []
    used = ZERO
    for amount in amounts:
        inside = max(min(amount, LIFETIME_LIMIT - used), ZERO)
        used += inside
        out.append((inside, amount - inside))
    return out


def annual_excess(
    ira_limit: Decimal, traditional: Decimal, regular_roth: Decimal, rollover: Decimal
) -> Decimal:
    """§529(c)(3)(E)(ii)(I): the year's rollovers over the §408A(c)(2) amount (``ira_limit``:
    the dollar limit with catch-up, at most compensation) less the year's other IRA
    contributions."""
    room = max(ira_limit - traditional - regular_roth, ZERO)
    return max(rollover - room, ZERO)
