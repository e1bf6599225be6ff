"""Excess IRA contributions, year after year: the 6% excise of IRC §4973.

Sources: IRC §4973(a), (b) (traditional IRAs) and (f) (Roth IRAs); §219(b)(1), (b)(5)
(the yearly limit, at most the taxable compensation); §408A(c)(2) (Roth and traditional
share one limit, the traditional contributions first) and (c)(3) (the MAGI phase-out,
:mod:`ledger.rules.roth_eligibility`); §408(d)(4) (an excess withdrawn with its net
income by the due date of the return is treated as never contributed); Instructions for
Form 5329, Parts III and IV; Pub 590-A, "What Acts Result in Penalties or Additional
Taxes? -- Excess Contributions".

The forms' arithmetic (Form 5329 instructions, 2014 onward):

* traditional: carried = last year's total excess if last year's tax was more than zero;
  absorbed by this year's unused limit (limit less this year's traditional AND Roth
  contributions) and by the year's taxable traditional-IRA distributions; the rest plus
  this year's own excess (traditional contributions over the limit) is the total; the tax
  is 6% of the smaller of the total and the Dec 31 value of the traditional IRAs.
* Roth: carried likewise; absorbed by this year's unused Roth limit (the Roth limit less
  the Roth contributions) and by the year's Roth distributions -- all of them, and never
  less than the carried excess when every Roth IRA was emptied (the instructions'
  example: $1,000 contributed, the whole balance of $800 withdrawn: $1,000 counts); the
  year's own excess is the Roth contributions over the Roth limit, which is the
  traditional limit less the year's traditional contributions (so when the two kinds
  together exceed the limit the Roth dollars are the excess), reduced further by MAGI.

A carried traditional excess absorbed this year is a traditional contribution of this
year (§219(f)(6)), so it also uses up Roth room: the Roth part sees the limit less that.
A year-end value that is not recorded leaves the smaller-of test undone: the tax is 6%
of the total excess and the result says the value is missing.

A 529-to-Roth rollover (:mod:`ledger.rules.rollover_529`) is a Roth contribution of the
year for these lines with its own limit: the §408A(c)(2) amount less the year's other IRA
contributions, with no MAGI reduction (§529(c)(3)(E)(ii)(I)); the part over it is Roth
excess (line 23), and it uses up the unused limit of lines 10 and 19.

A traditional-IRA withdrawal of an earlier year's excess after that year's due date, not
deducted, is not income (§408(d)(5)) and is Form 5329 line 12 ("distributions of prior
year excess contributions"): it absorbs the carried excess with lines 10 and 11 (line 13 =
10 + 11 + 12), at most the carried excess (the fold puts the rest on Form 8606 line 7).
Not checked: §408(d)(5)(A)'s condition that the year's contributions were within the
§219(b)(1)(A) dollar limit.

Not modelled: the spousal limit of §219(c) (give each spouse's own allowable
compensation), and SEP employer contributions.
"""

from __future__ import annotations

from decimal import Decimal

from ..dataclass import dataclass
from ..money import ZERO
from .halfup import cents
from .rollover_529 import annual_excess

RATE = Decimal("0.06")  # §4973(a)
CITE = "IRC §4973(a),(b),(f); Instructions for Form 5329 Parts III-IV; Pub 590-A"


@dataclass(frozen=True, slots=True)
class YearLimits:
    """A person's allowable contributions for one tax year.

    ``traditional`` is the §219(b) limit (the dollar limit with any catch-up, at most the
    compensation when known); ``roth`` is the Roth IRA limit AFTER the year's traditional
    contributions (Pub 590-A Worksheet 2-2 line 11, or a stated limit); ``roth_basis`` says
    where it came from: ``stated``, ``income`` or ``assumed`` (no income facts on file:
    the full limit)."""

    traditional: Decimal  # Decimal
    roth: Decimal  # Decimal
    roth_basis: str


def roth_limit_after_traditional(
    roth_limit_before: Decimal, traditional_limit: Decimal, traditional: Decimal
) -> Decimal:
    """Pub 590-A Worksheet 2-2 lines 9-11: the smaller of the (income-reduced) Roth limit
    and the traditional limit less the year's traditional contributions, never below 0.

    (Written out, as in :func:`current_excess`: ``max(min(a, b), ZERO)`` picks the same
    object, ``a`` unless ``b < a``, then it unless ``ZERO >`` it, but a builtin min or max
    call costs about four Decimal comparisons; these run for every person and year.)"""
    room = traditional_limit - traditional
    least = room if room < roth_limit_before else roth_limit_before
    return ZERO if ZERO > least else least


def current_excess(
    limits: YearLimits, traditional: Decimal, roth: Decimal, rollover_529: Decimal = ZERO
) -> tuple[Decimal, Decimal]:
    """(traditional excess, Roth excess) of one tax year's own contributions (Form 5329
    lines 15 and 23; contributions returned by the due date already left out). The
    year's 529-to-Roth rollovers are limited by the §219(b) limit less the other
    contributions, not by the income-reduced Roth limit."""
    roth_x = roth - limits.roth
    roth_x = ZERO if ZERO > roth_x else roth_x  # max(roth_x, ZERO), the same object
    if rollover_529 > 0:
        roth_x += annual_excess(limits.traditional, traditional, roth, rollover_529)
    trad_x = traditional - limits.traditional
    return (ZERO if ZERO > trad_x else trad_x), roth_x


@dataclass(frozen=True, slots=True)
class ExcessIn:
    """One year's contributions, limits and carried excess: the excess rule's input."""

    year: int
    limits: YearLimits
    traditional: Decimal  # this year's traditional contributions (Decimal)
    roth: Decimal  # this year's Roth contributions, less those returned in time
    carried_traditional: Decimal  # last year's total, if its tax was more than zero
    carried_roth: Decimal
    traditional_distributions: Decimal  # taxable traditional-IRA distributions this year
    roth_distributions: Decimal  # this year's Roth IRA distributions (not returns)
    roth_emptied: bool  # every Roth IRA withdrawn by Dec 31 (year-end value zero)
    ira_value: Decimal | None  # Dec 31 value of traditional IRAs (None: not recorded)
    roth_value: Decimal | None  # Dec 31 value of Roth IRAs
    rollover_529: Decimal = ZERO  # the year's 529-to-Roth rollovers within the lifetime limit
    prior_excess_withdrawn: Decimal = ZERO  # §408(d)(5) withdrawals this year (line 12)


@dataclass(frozen=True, slots=True)
class ExcessPart:
    """One kind of IRA's excess for a year, in the form's order."""

    carried: Decimal  # line 9 / 18
    unused_limit: Decimal  # line 10 / 19
    distributions: Decimal  # line 11 / 20
    prior_distributed: Decimal  # line 12 (traditional only: §408(d)(5) withdrawals)
    absorbed: Decimal  # line 13 / 21
    carried_left: Decimal  # line 14 / 22
    current: Decimal  # line 15 / 23
    total: Decimal  # line 16 / 24
    value: Decimal | None  # Dec 31 value used in the smaller-of test
    tax: Decimal  # line 17 / 25
    value_missing: bool

    @property
    def carries(self) -> Decimal:
        """Next year's carried excess: the total, if this year's tax was more than zero
        (Form 5329 instructions, lines 9 and 18)."""
        return self.total if self.tax > 0 else ZERO

    @property
    def required(self) -> bool:
        return self.carried > 0 or self.current > 0


@dataclass(frozen=True, slots=True)
class ExcessOut:
    """One year's traditional and Roth excess (Form 5329 Parts III and IV)."""

    traditional: ExcessPart
    roth: ExcessPart
    roth_absorbed: Decimal  # carried Roth excess treated as contributed this year
    citation: str = CITE


def _tax(total: Decimal, value: Decimal | None) -> Decimal:
    base = total if value is None else min(total, value)
    return cents(max(base, ZERO) * RATE)


def _part(
    carried: Decimal,
    unused: Decimal,
    dist: Decimal,
    current: Decimal,
    value: Decimal | None,
    prior: Decimal = ZERO,
) -> ExcessPart:
    """One part's lines: the carried excess less the unused limit, distributions and
    (traditional) prior-year excess withdrawn, plus the year's own excess, and its 6% tax."""
    absorbed = unused + dist + prior
    left = max(carried - absorbed, ZERO)
    total = left + current
    return ExcessPart(
        carried,
        unused,
        dist,
        prior,
        absorbed,
        left,
        current,
        total,
        value,
        _tax(total, value),
        value is None and total > 0,
    )


def excess_year(inp: ExcessIn) -> ExcessOut:
    lim = inp.limits
    r529 = inp.rollover_529
    t_current, r_current = current_excess(lim, inp.traditional, inp.roth, r529)
    # traditional IRAs (Form 5329 Part III)
    t_unused = max(lim.traditional - inp.traditional - inp.roth - r529, ZERO)
    t_dist = inp.traditional_distributions if inp.carried_traditional > 0 else ZERO
    t_prior = min(inp.prior_excess_withdrawn, inp.carried_traditional)
    t_absorbed_by_limit = min(t_unused, max(inp.carried_traditional - t_dist - t_prior, ZERO))
    trad = _part(inp.carried_traditional, t_unused, t_dist, t_current, inp.ira_value, t_prior)
    # Roth IRAs (Form 5329 Part IV)
    r_unused = max(lim.roth - t_absorbed_by_limit - inp.roth, ZERO)
    if r529 > 0:  # the rollover uses up the year's IRA limit too
        r_unused = min(r_unused, max(t_unused - t_absorbed_by_limit, ZERO))
    r_dist = inp.roth_distributions
    if inp.roth_emptied:
        r_dist = max(r_dist, inp.carried_roth)
    roth = _part(inp.carried_roth, r_unused, r_dist, r_current, inp.roth_value)
    absorbed = min(r_unused, max(inp.carried_roth - r_dist, ZERO))
    return ExcessOut(trad, roth, absorbed)
