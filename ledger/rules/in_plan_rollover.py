"""In-plan Roth rollovers (IRR): plan money moved into the plan's designated Roth account.

The taxable amount is what would be includible had it gone to a Roth IRA (Notice 2010-84
Q&A-7): pro-rata over the account it came from (IRC §72(e)(8)), unless the 1099-R's box
2a is given. No 10% at the time; §402A(c)(4)(D) applies the §408A(d)(3)(F) recapture to
distributions allocable to the IRR within the 5 taxable years starting Jan 1 of the IRR
year. Every dollar rolled becomes investment in the contract of the designated Roth
account (the taxable part was taxed, the rest was after-tax). There is no IRA-style
aggregation across plans (seed 002, Kitces 2015).
"""

from __future__ import annotations

from decimal import Decimal

from ..dataclass import dataclass
from ..dates import five_year_window_end
from .prorata import share


@dataclass(frozen=True, slots=True)
class IrrSplit:
    """An in-plan Roth rollover's taxable and nontaxable parts and its clock's year."""

    taxable: Decimal
    nontaxable: Decimal
    clock_year: int

    @property
    def clock_ends(self):
        return five_year_window_end(self.clock_year)


def split_irr(
    amount: Decimal,
    year: int,
    after_tax_basis: Decimal,
    account_value: Decimal | None,
    taxable_given: Decimal | None,
    precision: str,
) -> IrrSplit:
    if taxable_given is not None:
        return IrrSplit(taxable_given, amount - taxable_given, year)
    assert account_value is not None  # validation requires one of the two
    nontaxable = min(share(amount, after_tax_basis, account_value, precision), amount)
    return IrrSplit(amount - nontaxable, nontaxable, year)
