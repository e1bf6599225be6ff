"""Policy settings where the law or the forms leave room (RULES.md section 0).

``ratio_precision``: ``exact`` (default) keeps every pro-rata ratio at full Decimal precision
and rounds money to cents once at the result; ``3`` rounds Form 8606 line 10 (and every
pro-rata ratio) to the three decimals printed on the form ("rounded to at least 3 places",
Instructions for Form 8606, line 10).

``irr_recapture``: ``carry`` (default) keeps an in-plan Roth rollover's taxable amount under
its own 5-year 10% recapture clock after the Roth 401(k) is rolled into a Roth IRA
(Notice 2010-84 Q&A-12 as read by practitioners; seed 004's $200); ``none`` follows
Treas. Reg. 1.408A-10 A-3 and Form 8606 line 22 literally: no recapture after the rollover.

``whole_dollars``: the forms as a preparer files them, every line in whole dollars
("you can round off cents to whole dollars on your return and schedules", Form 1040
instructions; the IRS sample forms in Pub 590-B do: Bill King's line 12 is 500, not
600 x .833 = 499.80). Each line is computed from the rounded lines before it and rounded
once; the ledger itself keeps cents.
"""

from __future__ import annotations

from ..dataclass import dataclass
from ..money import CENTS, WHOLE_DOLLARS, Rounding

RATIO_PRECISIONS = ("exact", "3")
IRR_RECAPTURES = ("carry", "none")


@dataclass(frozen=True, slots=True)
class Policy:
    """How a report works its figures out: ratio precision, recapture, whole dollars."""

    ratio_precision: str = "exact"
    irr_recapture: str = "carry"
    whole_dollars: bool = False  # fill the forms in whole dollars (report --whole-dollars)

    def __post_init__(self) -> None:
        if self.ratio_precision not in RATIO_PRECISIONS:
            raise ValueError(f"ratio_precision must be one of {RATIO_PRECISIONS}")
        if self.irr_recapture not in IRR_RECAPTURES:
            raise ValueError(f"irr_recapture must be one of {IRR_RECAPTURES}")

    @property
    def rounding(self) -> Rounding:
        """How each form line is entered: cents, or whole dollars (each line from the
        rounded lines before it; under 50 cents down, 50 cents and up to the next dollar)."""
        return WHOLE_DOLLARS if self.whole_dollars else CENTS

    def as_dict(self) -> dict[str, str | bool]:
        return {
            "ratio_precision": self.ratio_precision,
            "irr_recapture": self.irr_recapture,
            "whole_dollars": self.whole_dollars,
        }


DEFAULT_POLICY = Policy()
