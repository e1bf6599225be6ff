"""After-tax plan money: the pro-rata split of one distribution and where its pieces go.

* Cream in the coffee: a distribution from an account holding pretax and after-tax money
  carries a pro-rata share of each (IRC §72(e)(8)). IRS example (Notice 2014-54
  background): $100,000 = $80,000 pretax + $20,000 after-tax; $50,000 out = $40,000 +
  $10,000. When the plan separately accounts for after-tax contributions and their
  earnings (§72(d)(2)), the base is that sub-account only (seed 002: $50,000 basis +
  $40,000 earnings, $50,000 out = $27,777.78 after-tax + $22,222.22 pretax).
* Notice 2014-54 / §402(c)(2): all disbursements of one distribution are one distribution;
  amounts rolled over are deemed to be pretax first. RULES.md section 0: pretax goes first
  to the traditional IRA, then to the Roth IRA (a taxable rollover), then to cash; the
  after-tax part fills what is left (Notice 2014-54 Example 2: $80,000 pretax to a
  traditional IRA and $20,000 after-tax to a Roth IRA, all tax-free).
"""

from __future__ import annotations

from decimal import Decimal

from ..dataclass import dataclass
from ..money import ZERO
from .prorata import share


@dataclass(frozen=True, slots=True)
class PlanSplit:
    """A plan distribution split into its after-tax, pretax and Roth parts."""

    after_tax: Decimal
    pretax: Decimal
    roth_taxable: Decimal
    roth_nontaxable: Decimal
    trad_pretax: Decimal
    trad_after_tax: Decimal
    cash_taxable: Decimal
    cash_nontaxable: Decimal

    @property
    def taxable_income(self) -> Decimal:
        """Includible now: pretax reaching the Roth IRA or cash (1099-R box 2a)."""
        return self.roth_taxable + self.cash_taxable


def split_distribution(
    amount: Decimal,
    account_value: Decimal,
    after_tax_basis: Decimal,
    to_traditional_ira: Decimal,
    to_roth_ira: Decimal,
    to_cash: Decimal,
    precision: str,
) -> PlanSplit:
    # min(a, b) and max(a, ZERO) written out, picking the same objects (``b`` only when
    # it is less than ``a``; a builtin min or max of Decimals costs about four comparisons)
    after_tax = share(amount, after_tax_basis, account_value, precision)
    if amount < after_tax:
        after_tax = amount
    pretax = amount - after_tax
    trad_pre = to_traditional_ira if to_traditional_ira < pretax else pretax
    left = pretax - trad_pre
    roth_pre = to_roth_ira if to_roth_ira < left else left
    left -= roth_pre
    cash_pre = to_cash if to_cash < left else left
    cash_rest = to_cash - cash_pre
    return PlanSplit(
        after_tax,
        pretax,
        roth_pre,
        to_roth_ira - roth_pre,
        trad_pre,
        to_traditional_ira - trad_pre,
        cash_pre,
        ZERO if ZERO > cash_rest else cash_rest,
    )
