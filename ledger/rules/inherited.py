"""Inherited Roth IRAs: what a beneficiary takes over, and how its distributions are taxed.

Sources:

* Treas. Reg. §1.408A-6 A-7(a): the 5-taxable-year period of a Roth IRA held by a
  beneficiary is not redetermined; it includes the period the decedent held it (the
  decedent's first contribution or conversion year). A-7(b): it is determined separately
  for the beneficiary's own Roth IRAs and for those inherited from each decedent, except
  that a surviving spouse who treats the Roth IRA as her own has one period, ending at the
  earlier of the decedent's and her own.
* Treas. Reg. §1.408A-6 A-11: a Roth IRA held as beneficiary is not aggregated with the
  beneficiary's own Roth IRAs (nor with those from another decedent) for the ordering
  rules, unless the surviving spouse treats it as her own; Treas. Reg. §1.408A-2 A-4: a
  surviving spouse who is the sole beneficiary may treat it as her own.
* Pub 590-B, "Distributions to beneficiaries" / "Distributions that aren't qualified
  distributions": a nonqualified distribution is taxed to the beneficiary as it would have
  been to the owner (the ordering rules of Reg. A-8 on the decedent's layers), and when
  there are several beneficiaries "each type of contribution is divided among multiple
  beneficiaries according to the pro-rata share of each" (the Hibbard example: $4,000
  regular contributions, a $10,000 conversion and $2,000 earnings left to four children
  equally; a $4,000 distribution to each is $1,000 contributions, $2,500 conversion and
  $500 earnings, and $500 is income).
* IRC §408A(d)(2)(A)(ii): a distribution to a beneficiary after the owner's death is
  qualified once the 5-year period is met; IRC §72(t)(2)(A)(ii): no 10% additional tax on a
  distribution to a beneficiary on or after the owner's death (1099-R code 4, Form 5329
  exception 04), so no conversion recapture either (§408A(d)(3)(F) applies §72(t)).
* Form 8606 Part III is the beneficiary's own form; since the inherited account is ordered
  on its own (A-11), its lines are figured on a separate Part III for each decedent, as Pub
  590-B has it for an inherited traditional IRA with basis (unless a spouse treats it as
  her own, it cannot be combined with the beneficiary's own basis or basis inherited from
  other decedents: a separate Form 8606 for each; irahelp.com, "Carry Over 8606 Basis on
  Decedent IRA"). The Instructions for Form 8606 say nothing more specific for Roth IRAs.

Not supported (said where it matters): the required minimum distribution rules for
beneficiaries (the 5-year and 10-year rules, §401(a)(9)(B), (H)); a decedent's 1998/2010
conversion income still being spread at death; inherited traditional IRAs.
"""

from __future__ import annotations

from decimal import Decimal

from .halfup import cents

HUNDRED = Decimal(100)
CITE = "Treas. Reg. §1.408A-6 A-7, A-11; IRC §408A(d)(2)(A)(ii), §72(t)(2)(A)(ii); Pub 590-B"


def share(amount: Decimal, percent: Decimal) -> Decimal:
    """A beneficiary's pro-rata share of one layer (Pub 590-B: each type of contribution
    divided by the beneficiaries' shares), in cents."""
    if percent == HUNDRED:
        return amount
    return cents(amount * percent / HUNDRED)


def earlier_clock(own: int | None, decedent: int | None) -> int | None:
    """Reg. §1.408A-6 A-7(b): a spouse who treats the Roth IRA as her own has the earlier of
    the two 5-year periods."""
    years = [y for y in (own, decedent) if y is not None]
    return min(years) if years else None
