"""The boxes of Forms 5498 and 1099-R as printed, the facts the forms cannot tell, and
the box 7 distribution codes with the combinations the IRS allows.

Sources: Instructions for Forms 1099-R and 5498 (IRS), "Guide to Distribution Codes" and
the box 7 notes ("Do not use Code 7 for a Roth IRA"; "Do not use Code G for a direct
rollover from a designated Roth account to a Roth IRA. Use Code H"; the IRA/SEP/SIMPLE
box is not checked for a Roth IRA; "use Code J for a distribution from a Roth IRA when
Code Q or Code T does not apply").
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import field
from decimal import Decimal

from ..dataclass import dataclass
from ..errors import InvalidInput, Problem

# Box 7 codes the intake understands (Guide to Distribution Codes).
CODES: dict[str, str] = {
    "1": "early distribution, no known exception",
    "2": "early distribution, exception applies",
    "3": "disability",
    "4": "death",
    "7": "normal distribution",
    "8": "excess contributions plus earnings, taxable in the year of the 1099-R",
    "B": "designated Roth account distribution",
    "G": "direct rollover to a qualified plan or IRA (not from a designated Roth account)",
    "H": "direct rollover of a designated Roth account distribution to a Roth IRA",
    "J": "early distribution from a Roth IRA",
    "N": "recharacterized IRA contribution made for the year of the 1099-R and recharacterized in it",
    "P": "excess contributions plus earnings, taxable in the prior year (the year before the 1099-R)",
    "Q": "qualified distribution from a Roth IRA",
    "R": "recharacterized IRA contribution made for the year before the 1099-R and recharacterized in its year",
    "S": "early distribution from a SIMPLE IRA in the first 2 years",
    "T": "Roth IRA distribution, exception applies",
}
# Codes that exist but are not Roth-basis events the intake records.
OTHER_CODES: dict[str, str] = {
    "5": "prohibited transaction",
    "6": "section 1035 exchange",
    "9": "cost of current life insurance protection",
    "A": "10-year tax option",
    "C": "reportable death benefits",
    "D": "nonqualified annuity payments",
    "E": "EPCRS distribution",
    "F": "charitable gift annuity",
    "K": "IRA assets without a readily available FMV",
    "L": "loan treated as a distribution",
    "M": "qualified plan loan offset",
    "U": "ESOP dividend",
    "W": "long-term care insurance charges",
}
# "Used with code ..." column of the Guide to Distribution Codes (codes above only).
ALLOWED_WITH: dict[str, frozenset[str]] = {
    "1": frozenset("8BP"),
    "2": frozenset("8BP"),
    "3": frozenset(),
    "4": frozenset("8BGHP"),
    "7": frozenset("B"),
    "8": frozenset("124BJ"),
    "B": frozenset("12478GP"),
    "G": frozenset("4B"),
    "H": frozenset("4"),
    "J": frozenset("8P"),
    "N": frozenset(),
    "P": frozenset("124BJ"),
    "Q": frozenset(),
    "R": frozenset(),
    "S": frozenset(),
    "T": frozenset(),
}
ROTH_IRA_CODES = frozenset("JQT")
RECHARACTERIZATION_CODES = frozenset("NR")


class FormRefused(InvalidInput):
    """A form the intake will not record, with every problem found; nothing is stored.

    One problem is shown on one line (``1099-R: box 7: ... (nothing was stored)``), as the
    command line promises for a single mistake; several keep the usual header and list."""


def refuse(form: str, box: str | None, message: str) -> FormRefused:
    """The error for one impossible combination or missing fact (nothing is stored)."""
    return FormRefused([Problem(form, None, box, message)])


def parse_codes(raw: str) -> tuple[str, ...]:
    """Box 7 as printed ("J", "J8", "7", "4G") -> its codes, checked against the Guide."""
    text = "".join(str(raw or "").upper().split()).replace(",", "")
    if not text:
        raise refuse("1099-R", "box 7", "missing (the distribution code, e.g. J or 7)")
    if len(text) > 2:
        raise refuse("1099-R", "box 7", f"{raw!r}: a Form 1099-R has at most two codes in box 7")
    codes = tuple(text)
    if len(set(codes)) != len(codes):
        raise refuse("1099-R", "box 7", f"{raw!r} repeats a code")
    for code in codes:
        if code in OTHER_CODES:
            raise refuse(
                "1099-R",
                "box 7",
                f"code {code} ({OTHER_CODES[code]}) is not a Roth "
                "basis event this intake records; use `roth-ledger record KIND` if it "
                "matters to your Roth basis",
            )
        if code not in CODES:
            raise refuse(
                "1099-R",
                "box 7",
                f"{code!r} is not a distribution code (known: {', '.join(CODES)})",
            )
    if len(codes) == 2:
        a, b = codes
        if b not in ALLOWED_WITH[a]:
            with_a = ", ".join(sorted(ALLOWED_WITH[a])) or "no other code"
            raise refuse(
                "1099-R",
                "box 7",
                f"codes {a} and {b} together are not a valid "
                f"combination (Guide to Distribution Codes: {a} is used with {with_a})",
            )
    return codes


@dataclass(frozen=True, slots=True, kw_only=True)
class Form5498:
    """IRA Contribution Information, boxes as printed. ``account`` is the box 7 checkbox."""

    tax_year: int
    account: str  # IRA | SEP | SIMPLE | ROTH
    box1_ira_contributions: Decimal | None = None
    box2_rollover: Decimal | None = None
    box3_roth_conversion: Decimal | None = None
    box5_fmv: Decimal | None = None
    box10_roth_contributions: Decimal | None = None
    box11_rmd_next_year: bool = False
    trustee: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Facts5498:
    """What Form 5498 does not say."""

    person: str
    date: datetime.date | None = None  # day box 1 / box 10 was deposited
    deductible: bool | None = None  # box 1 deducted on the return?
    record_conversion: bool = False  # box 3 not already recorded from the 1099-R
    conversion_date: datetime.date | None = None
    year_end_total: Decimal | None = None  # line 6: all traditional/SEP/SIMPLE IRAs summed
    skip_year_end: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Form1099R:
    """Distributions From Pensions, Annuities, Retirement ... IRAs, boxes as printed."""

    tax_year: int
    box1_gross: Decimal
    box7_codes: str
    box2a_taxable: Decimal | None = None
    box2b_not_determined: bool = False
    box5_employee_contributions: Decimal | None = None
    box10_irr_within_5_years: Decimal | None = None
    box11_first_year_designated_roth: int | None = None
    ira_sep_simple: bool = False
    payer: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Recharacterizable:
    """A contribution or conversion in force that no recharacterization names yet."""

    id: str
    kind: str  # roth_contribution | ira_contribution | roth_conversion
    tax_year: int  # the year it was for (a conversion: the year it was made)
    date: datetime.date
    amount: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Facts1099R:
    """What Form 1099-R does not say (supplied by the user), plus the death and
    disability dates already in the ledger (``recorded_*``)."""

    person: str
    date: datetime.date | None = None  # the distribution date (not on the form)
    roth_ira: bool = False  # the paying account is a Roth IRA (codes 2/3/4 do not say)
    converted: bool = False  # an IRA distribution that went into a Roth IRA
    converted_amount: Decimal | None = None  # default: all of box 1
    received_on: datetime.date | None = None  # day the Roth IRA received the conversion
    plan: str | None = None
    account_value: Decimal | None = None
    separate_accounting: bool = True
    to_roth_ira: Decimal | None = None
    to_traditional_ira: Decimal | None = None
    to_cash: Decimal | None = None
    in_plan: bool = False  # code G for an in-plan Roth rollover
    into_roth_ira: bool = False  # B+G that actually went to a Roth IRA
    qualified: bool | None = None
    exception: str | None = None
    disaster: bool = False
    returned_contribution: Decimal | None = None  # J8/JP: the contribution itself (a loss)
    for_tax_year: int | None = None  # J8/JP: the tax year the returned contribution was for
    rolled_over: Decimal | None = None  # the part paid back into an IRA within 60 days
    target: str | None = None  # R/N: the id of the contribution recharacterized
    part: Decimal | None = None  # R/N: the part of its amount recharacterized (default all)
    died_on: datetime.date | None = None
    disabled_on: datetime.date | None = None
    recorded_died_on: datetime.date | None = None
    recorded_disabled_on: datetime.date | None = None
    #: Roth IRA contributions in force, by the tax year they were for, less returns
    recorded_roth_contributions: Mapping[int, Decimal] = field(default_factory=dict)
    #: contributions and conversions a code R/N form may name (``recharacterizable``)
    recharacterizable: tuple[Recharacterizable, ...] = ()
