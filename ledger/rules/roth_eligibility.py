"""How much a person may contribute to Roth IRAs for a year: the MAGI phase-out.

Sources: IRC §408A(c)(2) (the Roth limit is the §219(b) limit less the year's
traditional IRA contributions) and §408A(c)(3) (reduced by the §219(g)(2) ratio of the
modified AGI over the threshold to the phase-out range, $10,000 for joint filers and a
married person filing separately who lived with the spouse, $15,000 for everyone else;
the thresholds are indexed from 2007, §408A(c)(3)(C)); §219(g)(2)(B)-(C) (the reduced
limit is rounded up to the next $10 and is at least $200 when more than zero); Pub
590-A, Worksheet 2-2 "Determining Your Reduced Roth IRA Contribution Limit":

    3 = MAGI - threshold (zero or less: no reduction)   4 = range (3 >= 4: no contribution)
    5 = 3 / 4 (3 places)  6 = the smaller of the dollar limit (with catch-up) and compensation
    7 = 6 x 5            8 = 6 - 7, rounded up to $10, at least $200
    9 = the year's traditional IRA contributions        10 = 6 - 9
    11 = the smaller of 8 and 10: the reduced Roth IRA contribution limit

Example (2023 worksheet figures, single, under 50, MAGI $145,500, compensation $80,000,
no traditional contributions): 3 = 7,500, 5 = 0.5, 6 = 6,500, 7 = 3,250, 8 = 3,250,
11 = 3,250.

The thresholds per year are dated data (``ledger/data/roth_phaseout.yaml``); a limit
stated by the user (``roth_contribution_limit``) wins over the computed one.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from ..money import ZERO
from .excess import YearLimits, roth_limit_after_traditional

TEN = Decimal(10)
FLOOR = Decimal(200)  # §219(g)(2)(B)
RATIO_PLACES = Decimal("0.001")  # line 5 "rounded to at least three places": three, as the
# worksheet's users do (2009: 5,000 / 15,000 = 0.333 -> 3,335 -> 3,340)


def phased_limit(base: Decimal, magi: Decimal, threshold: Decimal, width: Decimal) -> Decimal:
    """Worksheet 2-2 lines 3-8: ``base`` (line 6) reduced by the MAGI phase-out."""
    over = magi - threshold
    if over <= 0:
        return base
    if over >= width:
        return ZERO
    ratio = (over / width).quantize(RATIO_PLACES, ROUND_HALF_UP)
    reduced = base - base * ratio
    reduced = (reduced / TEN).to_integral_value(ROUND_CEILING) * TEN
    if ZERO < reduced < FLOOR:
        reduced = FLOOR
    return min(reduced, base)


def year_limits(
    dollar_limit: Decimal,
    compensation: Decimal | None,
    traditional: Decimal,
    stated_roth: Decimal | None = None,
    magi: Decimal | None = None,
    phaseout: tuple[Decimal, Decimal] | None = None,
) -> YearLimits:
    """The year's traditional limit (§219(b)(1): the dollar limit, at most the
    compensation) and Roth limit after ``traditional`` contributions: the stated one,
    else by income when MAGI and the year's phase-out are known, else the full limit
    (``roth_basis`` "assumed")."""
    base = dollar_limit  # at most the compensation, never below 0 (min and max written out)
    if compensation is not None:
        base = compensation if compensation < base else base
        base = ZERO if ZERO > base else base
    if stated_roth is not None:
        return YearLimits(base, stated_roth, "stated")
    if magi is not None and phaseout is not None:
        before = phased_limit(base, magi, phaseout[0], phaseout[1])
        return YearLimits(base, roth_limit_after_traditional(before, base, traditional), "income")
    return YearLimits(base, roth_limit_after_traditional(base, base, traditional), "assumed")
