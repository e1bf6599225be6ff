"""Traditional-IRA distributions that are not income, and the qualified disaster share.

Pure: plain amounts in, amounts out. :func:`ledger.rules.ira_pro_rata.form8606_ira` uses
them to fill Form 8606 Part I; the fold gathers the year's claims.

**Qualified charitable distributions** (IRC §408(d)(8)). A distribution the trustee pays
straight to a charity (§170(b)(1)(A); not a donor-advised fund or private foundation) on
or after the day the owner attains age 70½ (§408(d)(8)(B)(ii); checked when recorded) is
excluded from income up to the year's limit per person (§408(d)(8)(A): $100,000, indexed
from 2024 by §408(d)(8)(G), SECURE 2.0 §307: ``ledger/data/qcd_limits.yaml``), and only
to the extent it would otherwise be includible: all of a person's IRAs are one contract
and the distribution is income first (§408(d)(8)(D)), so a QCD never uses up basis.
Pub 590-B, "Qualified charitable distributions", Jeff's example: an IRA of $30,000 with
$10,000 of nondeductible contributions; $25,000 paid to a charity: the QCD is $20,000
(the part that would have been income) and the other $5,000 is a distribution of basis
on Form 8606 (deductible as a charitable gift if he itemizes). N. Choate, *Life and Death
Planning for Retirement Benefits* ¶7.6.07, Burton: a $70,000 IRA with $20,000 basis; a
$50,000 QCD leaves $20,000 that is all basis. The exclusion is reduced by the deductible
IRA contributions for tax years ending on or after the day the owner attains 70½, less
what they already reduced (§408(d)(8)(A) last sentence, SECURE Act 2019 §107(b); tax
years from 2020); the reduced part is an ordinary distribution.

**Qualified HSA funding distributions** (IRC §408(d)(9)): trustee to HSA, excluded to the
extent otherwise includible, income first (§408(d)(9)(D)); one in a lifetime
(§408(d)(9)(C)(ii)(I)), except a second in the same tax year when self-only coverage
becomes family coverage ((C)(ii)(II)); at most the year's HSA contribution limit
((C)(i); Form 8889 line 10: not checked here, the ledger does not know the coverage).

**Form 8606 Part I** (Instructions for Form 8606):

* line 7 -- the year's distributions from traditional, SEP and SIMPLE IRAs, without
  rollovers, conversions, returned contributions, QCDs and one-time HSA funding
  distributions (the parts excluded above; what a limit leaves is on line 7); and
  "include on line 7 all qualified disaster ... distributions you received, even if they
  were later repaid" (I8606 2009, line 7);
* line 6 -- a repayment of a qualified disaster distribution made in the year it was
  received comes off the Dec 31 value: "subtract the repayment from the amount you would
  otherwise enter on line 6. If the result is zero or less, enter -0-" (I8606 2005, 2008,
  2009: $30,000 received Aug 18, $15,000 repaid Dec 15, Dec 31 value $50,000: line 6 is
  $35,000);
* line 15b -- the part of line 15a from qualified disaster distributions: line 15a times
  the qualified disaster distributions over line 7 (I8606 2006 and 2008: $30,000 and a
  $10,000 disaster distribution, line 15a $36,000: line 15b = $36,000 x $10,000 /
  $40,000 = $9,000); line 15c = 15a - 15b is the taxable amount on Form 1040.

**Form 8915-F** (Instructions for Form 8915-F, Rev. January 2024, Part III): line 15b
goes to Form 8915-F, where it is taxed one third in each of three years unless the owner
elects to include it all in the year, less repayments made within 3 years
(§72(t)(11)(C); Worksheet 5); no 10% additional tax (§72(t)(2)(M)). The ledger does not
fill Form 8915-F: its reports say so (``not supported``) and leave line 15b out of the
year's taxable income.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..dataclass import dataclass
from ..money import CENTS, Rounding

ZERO = Decimal("0")
#: §408(d)(8)(A) last sentence (SECURE Act 2019 §107(b)): deductions for tax years from 2020
QCD_OFFSET_FROM = 2020
CITE_QCD = "IRC §408(d)(8); Pub 590-B, Qualified charitable distributions"
CITE_HSA = "IRC §408(d)(9); Instructions for Form 8889, line 10"
CITE_DISASTER = "Instructions for Form 8606, lines 6, 7 and 15b; Form 8915-F"


@dataclass(frozen=True, slots=True)
class Excluded:
    """How much of the year's claimed QCDs and HSA funding distributions is excluded
    from income; ``to_line7`` is the rest, an ordinary distribution."""

    qcd: Decimal
    hsa_funding: Decimal
    to_line7: Decimal
    not_income_first: Decimal  # claimed but more than would have been income (§408(d)(8)(D))
    offset_used: Decimal  # the reduction for post-70½ deductible contributions


def within_limit(claimed: Decimal, limit: Decimal) -> tuple[Decimal, Decimal]:
    """(the QCDs within the year's limit, the part over it) (§408(d)(8)(A))."""
    within = min(claimed, limit)
    return within, claimed - within


def excluded(
    qcd: Decimal,
    hsa_funding: Decimal,
    basis: Decimal,
    pool: Decimal | None,
    offset: Decimal,
) -> Excluded:
    """The excluded parts, income first (§408(d)(8)(D), (d)(9)(D)).

    ``basis`` is Form 8606 line 5; ``pool`` is what all the IRAs would distribute: the
    Dec 31 value (line 6) plus every distribution of the year (the claimed parts too)
    plus the conversions (line 8), so ``pool - basis`` is what would have been income.
    ``pool`` may be None only when there is no basis (everything is income). ``offset``
    is what post-70½ deductible contributions can still take off the QCDs."""
    room = qcd + hsa_funding if basis <= 0 or pool is None else max(pool - basis, ZERO)
    q = min(qcd, room)
    h = min(hsa_funding, room - q)
    short = qcd + hsa_funding - q - h
    cut = min(q, max(offset, ZERO))
    q -= cut
    return Excluded(q, h, short + cut, short, cut)


def offset_added(tax_year: int, deductible: Decimal, seventy_half: date | None) -> Decimal:
    """The deductible IRA contributions for ``tax_year`` that reduce later QCDs: those of
    a tax year ending on or after the day the owner attains 70½ (from 2020)."""
    if tax_year < QCD_OFFSET_FROM or seventy_half is None:
        return ZERO
    return deductible if seventy_half <= date(tax_year, 12, 31) else ZERO


def year_end_after_repayments(value: Decimal, repaid: Decimal) -> Decimal:
    """Form 8606 line 6 less the year's repayments of that year's qualified disaster
    distributions, never below zero."""
    return max(value - repaid, ZERO)


def disaster_share(
    taxable: Decimal, disaster: Decimal, line7: Decimal, rounding: Rounding = CENTS
) -> Decimal:
    """Form 8606 line 15b: line 15a x qualified disaster distributions / line 7."""
    if disaster <= 0 or line7 <= 0 or taxable <= 0:
        return ZERO
    return min(rounding(taxable * min(disaster, line7) / line7), taxable)
