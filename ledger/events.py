"""The ledger's facts: one small immutable event per fact (SPEC section 4).

Each kind is a frozen dataclass; its fields are what a document says (Form 5498, 1099-R,
a plan statement), never a figure the rules derive. ``KINDS`` maps the stable kind string
(what is stored in the database) to its class; the field table drives the ledger-file
parser, the ``record`` command and the payload codec, so the three cannot drift apart.

Two kinds are internal and never appear under ``events:`` in a ledger file:
``household_named`` and ``person_added`` carry the file's ``household`` and ``people``
sections, so that every fact, including a birth date, is an event with an audit trail.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import re
import typing
from datetime import date
from decimal import Decimal
from typing import ClassVar

from .dataclass import dataclass  # dataclasses.dataclass, built cheaper (ledger/dataclass.py)
from .dates import date_problem, end_of_year, parse_date, year_problem
from .errors import shown
from .money import parse_money

SCHEMA_VERSION = 1
#: the longest text field (memo, source, a name...), in characters
MAX_TEXT = 2000


def _f(help: str, default: object = dataclasses.MISSING) -> typing.Any:
    if default is dataclasses.MISSING:
        return dataclasses.field(metadata={"help": help})
    return dataclasses.field(default=default, metadata={"help": help})


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Fields every event has. ``id`` is unique within a household."""

    kind: ClassVar[str] = ""
    doc: ClassVar[str] = ""
    id: str = _f("event id, unique within the household")
    memo: str | None = _f("free-text note", None)
    source: str | None = _f('the document it came from, e.g. "1099-R Fidelity 2022"', None)

    def __init_subclass__(cls) -> None:
        """A kind's docstring is its ``doc`` (one home for the text): set as the class is
        made, before ``@dataclass`` runs, which would otherwise work out and print the
        class's signature into ``__doc__`` (~0.26 M instructions a kind, every start-up).
        (No ``super()`` call: ``slots=True`` remade this class, so its ``__class__`` cell
        is not the class; ``object.__init_subclass__`` does nothing.)"""
        if cls.__doc__ is None:
            cls.__doc__ = cls.doc or f"The {cls.kind or cls.__name__} event."

    @property
    def effective_date(self) -> date | None:
        value = getattr(self, "date", None)
        if value is not None:
            return value
        year = getattr(self, "year", None)
        return end_of_year(year) if year is not None else None

    @property
    def effective_tax_year(self) -> int | None:
        for name in ("tax_year", "year"):
            value = getattr(self, name, None)
            if value is not None:
                return value
        eff = self.effective_date
        return eff.year if eff is not None else None


# --- household metadata (internal kinds) ------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class HouseholdNamed(Event):
    kind: ClassVar[str] = "household_named"
    doc: ClassVar[str] = "the household's display name (from the file's household section)"
    name: str = _f("display name")


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonAdded(Event):
    kind: ClassVar[str] = "person_added"
    doc: ClassVar[str] = "a person of the household and their birth date (later records win)"
    person: str = _f("person id")
    name: str | None = _f("full name", None)
    born: date = _f("birth date (sets age 59½)")


# --- Roth and traditional IRAs ----------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class RothContribution(Event):
    kind: ClassVar[str] = "roth_contribution"
    doc: ClassVar[str] = "a regular contribution to any Roth IRA for tax_year (Form 5498 box 10)"
    person: str = _f("person id")
    tax_year: int = _f("the tax year the contribution is for")
    date: date = _f("the day it was deposited (up to the filing deadline of the next year)")
    amount: Decimal = _f("amount contributed")


@dataclass(frozen=True, slots=True, kw_only=True)
class RothContributionReturn(Event):
    kind: ClassVar[str] = "roth_contribution_return"
    doc: ClassVar[str] = (
        "a contribution withdrawn with its earnings before the deadline: treated as never "
        "made; the earnings are taxable (1099-R code 8/P + J)"
    )
    person: str = _f("person id")
    tax_year: int = _f("the tax year the returned contribution was for")
    date: date = _f("the day it was returned")
    amount: Decimal = _f("the contribution returned")
    earnings: Decimal = _f("net income returned with it (taxable)", Decimal("0.00"))


@dataclass(frozen=True, slots=True, kw_only=True)
class RothContributionLimit(Event):
    kind: ClassVar[str] = "roth_contribution_limit"
    doc: ClassVar[str] = (
        "the allowed Roth IRA contribution for tax_year (e.g. Pub 590-A worksheet 2-2 line 11, "
        "after traditional contributions); wins over a limit computed from income"
    )
    person: str = _f("person id")
    tax_year: int = _f("the tax year it applies to")
    limit: Decimal = _f("the allowed Roth IRA contribution (0: not eligible)")


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxYearIncome(Event):
    kind: ClassVar[str] = "tax_year_income"
    doc: ClassVar[str] = (
        "the year's filing status, modified AGI for Roth IRA purposes and taxable "
        "compensation: the Roth limit by the MAGI phase-out (§408A(c)(3)) and the §219(b) cap"
    )
    person: str = _f("person id")
    tax_year: int = _f("the tax year of the return")
    filing_status: str = _f(
        "single, head_of_household, married_filing_jointly, qualifying_surviving_spouse "
        "or married_filing_separately"
    )
    magi: Decimal = _f("modified AGI for Roth IRA purposes (Pub 590-A worksheet 2-1)")
    compensation: Decimal | None = _f(
        "taxable compensation that counts for this person's IRA limit (§219(b)(1), (c))", None
    )
    lived_apart: bool = _f(
        "married filing separately and did not live with the spouse at any time in the year",
        False,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class IraContribution(Event):
    kind: ClassVar[str] = "ira_contribution"
    doc: ClassVar[str] = (
        "a traditional IRA contribution; nondeductible ones add basis (8606 line 1)"
    )
    person: str = _f("person id")
    tax_year: int = _f("the tax year the contribution is for")
    date: date = _f("the day it was deposited")
    amount: Decimal = _f("amount contributed")
    deductible: bool = _f("true if deducted on the return (no basis)")


@dataclass(frozen=True, slots=True, kw_only=True)
class IraDistribution(Event):
    kind: ClassVar[str] = "ira_distribution"
    doc: ClassVar[str] = (
        "a distribution from traditional/SEP/SIMPLE IRAs that was not converted (8606 line "
        "7; a part paid back within 60 days is rolled_over, not a distribution)"
    )
    person: str = _f("person id")
    date: date = _f("distribution date")
    amount: Decimal = _f("amount distributed (1099-R box 1)")
    rolled_over: Decimal | None = _f(
        "the part paid back into a traditional IRA within 60 days (§408(d)(3)): not a "
        "distribution on Form 8606 line 7; one IRA-to-IRA rollover in any 12 months",
        None,
    )
    qcd: Decimal | None = _f(
        "the part paid by the trustee straight to a charity, a qualified charitable "
        "distribution (§408(d)(8); at 70½ or older): not on Form 8606 line 7, not taxable",
        None,
    )
    hsa_funding: Decimal | None = _f(
        "the part paid by the trustee straight to an HSA, a qualified HSA funding "
        "distribution (§408(d)(9); once in a lifetime): not on Form 8606 line 7, not taxable",
        None,
    )
    disaster: bool | None = _f(
        "true for a qualified disaster distribution (Form 8606 line 15b; Form 8915-F)", None
    )
    excess_withdrawn: Decimal | None = _f(
        "the part that withdraws an earlier year's excess traditional IRA contribution, "
        "not deducted, after that year's due date (§408(d)(5)): not on Form 8606 line 7, not "
        "taxable; Form 5329 line 12",
        None,
    )
    exception: str | None = _f(
        "a §72(t) exception kind (e.g. medical) or the Form 5329 line-2 number, for a "
        "distribution before 59½ (1099-R code 2); without one its taxable part owes the 10% "
        "additional tax (Form 5329 line 1)",
        None,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class IraDisasterRepayment(Event):
    kind: ClassVar[str] = "ira_disaster_repayment"
    doc: ClassVar[str] = (
        "a repayment to a traditional/SEP/SIMPLE IRA of a qualified disaster distribution, "
        "within 3 years (Form 8606 line 6; Form 8915-F)"
    )
    person: str = _f("person id")
    date: datetime.date = _f("the day it was repaid")
    amount: Decimal = _f("amount repaid")
    target: str = _f("id of the ira_distribution (disaster: true) it repays")


@dataclass(frozen=True, slots=True, kw_only=True)
class IraYearEndValue(Event):
    kind: ClassVar[str] = "ira_year_end_value"
    doc: ClassVar[str] = (
        "Dec 31 value of all traditional/SEP/SIMPLE IRAs plus outstanding rollovers (8606 line 6)"
    )
    person: str = _f("person id")
    year: int = _f("the year whose Dec 31 value this is")
    value: Decimal = _f("total value (Form 5498 box 5 summed over the accounts)")


@dataclass(frozen=True, slots=True, kw_only=True)
class RothConversion(Event):
    kind: ClassVar[str] = "roth_conversion"
    doc: ClassVar[str] = (
        "traditional/SEP/SIMPLE IRA -> Roth IRA; taxable part by the Form 8606 pro-rata rule "
        "unless given"
    )
    person: str = _f("person id")
    date: date = _f("the day the Roth IRA received it (layer year, 5-year clock)")
    amount: Decimal = _f("amount converted")
    taxable: Decimal | None = _f("taxable part, if known (else computed by Form 8606)", None)
    distributed_on: datetime.date | None = _f(
        "the day it left the traditional IRA, if in an earlier year (income year)", None
    )
    elect_out_of_spread: bool | None = _f(
        "2010 (or 1998) conversions only: true to include all the income in the year converted "
        "instead of spreading it (2010: half in 2011, half in 2012; 1998: over four years)",
        None,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class RothDistribution(Event):
    kind: ClassVar[str] = "roth_distribution"
    doc: ClassVar[str] = "a withdrawal from any Roth IRA (1099-R code J, T or Q)"
    person: str = _f("person id")
    date: date = _f("distribution date")
    amount: Decimal = _f("amount withdrawn (1099-R box 1)")
    rolled_over: Decimal | None = _f(
        "the part paid back into a Roth IRA within 60 days (§408(d)(3), §408A(e)): not a "
        "distribution on Form 8606 line 19; one IRA-to-IRA rollover in any 12 months",
        None,
    )
    exception: str | None = _f(
        "a §72(t) exception kind (e.g. first_home) or the Form 5329 line-2 number", None
    )
    disaster: bool = _f("true for a qualified disaster distribution (Form 8915-F)", False)
    inherited_from: str | None = _f(
        "the decedent (a person id) whose Roth IRA this beneficiary's distribution came from "
        "(roth_inherited; 1099-R code 4): taxed on that inherited account, apart from the "
        "person's own Roth IRAs",
        None,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class RothInherited(Event):
    kind: ClassVar[str] = "roth_inherited"
    doc: ClassVar[str] = (
        "a beneficiary inherits (a share of) a decedent's Roth IRAs: an account of its own with "
        "the decedent's basis layers and 5-year clock, no 10% tax (Treas. Reg. §1.408A-6 A-7, "
        "A-11); a surviving spouse may treat it as her own"
    )
    person: str = _f("the beneficiary (a person of the household)")
    date: date = _f("the day it passed to the beneficiary (or the spouse's election)")
    decedent: str = _f("the decedent (a person of the household with person_died recorded)")
    percent: Decimal = _f(
        "the beneficiary's share of the decedent's Roth IRAs, in percent (Pub 590-B: each kind "
        "of contribution is divided by the shares)",
        Decimal("100.00"),
    )
    treat_as_own: bool = _f(
        "the surviving spouse, sole beneficiary, treats it as her own Roth IRA (Treas. Reg. "
        "§1.408A-2 A-4): the basis joins hers and the earlier 5-year clock counts (A-7(b))",
        False,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class RothSepSimpleContribution(Event):
    kind: ClassVar[str] = "roth_sep_simple_contribution"
    doc: ClassVar[str] = (
        "a contribution to a Roth SEP IRA or Roth SIMPLE IRA (SECURE 2.0 §601, from 2023; Form "
        "5498 box 8 or 9 on a Roth IRA): contribution basis, not a regular contribution (no IRA "
        "limit, no income limit)"
    )
    person: str = _f("person id")
    plan_type: str = _f("sep or simple")
    date: date = _f("the day the Roth IRA received it (its year starts the Roth IRA clock)")
    amount: Decimal = _f("amount contributed (employer and, for SIMPLE, salary-reduction money)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Roth529Rollover(Event):
    kind: ClassVar[str] = "roth_529_rollover"
    doc: ClassVar[str] = (
        "a direct transfer from a 529 account of 15+ years to the beneficiary's Roth IRA "
        "(IRC §529(c)(3)(E), SECURE 2.0 §126, from 2024): counts against the year's IRA "
        "limit, no income limit, $35,000 in a lifetime"
    )
    person: str = _f("person id (the 529 beneficiary, who owns the Roth IRA)")
    date: date = _f("the day the Roth IRA received it (after 2023-12-31)")
    amount: Decimal = _f("amount transferred (Form 1099-Q box 1)")
    tax_year: int | None = _f(
        "the tax year it is reported for (default: the year of date; the year before when "
        "made by that year's filing deadline, Pub 590-A)",
        None,
    )
    basis: Decimal | None = _f(
        "the part that was 529 contributions (Form 1099-Q box 3): Roth contribution basis; "
        "the rest was 529 earnings and is Roth IRA earnings (IRC §408A(e)(1)); if absent, "
        "the whole amount counts as basis and a warning says so",
        None,
    )
    account_opened: datetime.date | None = _f(
        "the day the 529 account was opened for this beneficiary (checked: 15 years)", None
    )

    @property
    def effective_tax_year(self) -> int:
        return self.tax_year if self.tax_year is not None else self.date.year


@dataclass(frozen=True, slots=True, kw_only=True)
class RothYearEndValue(Event):
    kind: ClassVar[str] = "roth_year_end_value"
    doc: ClassVar[str] = "optional Dec 31 value of all Roth IRAs (shows earnings)"
    person: str = _f("person id")
    year: int = _f("the year whose Dec 31 value this is")
    value: Decimal = _f("total value of the person's Roth IRAs")


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonDisabled(Event):
    kind: ClassVar[str] = "person_disabled"
    doc: ClassVar[str] = "the person became disabled (§72(m)(7))"
    person: str = _f("person id")
    date: date = _f("date of disability")


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonDied(Event):
    kind: ClassVar[str] = "person_died"
    doc: ClassVar[str] = "the person died; later distributions are to beneficiaries"
    person: str = _f("person id")
    date: date = _f("date of death")


# --- employer plans ---------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanAfterTaxContribution(Event):
    kind: ClassVar[str] = "plan_after_tax_contribution"
    doc: ClassVar[str] = "non-Roth after-tax contribution to an employer plan"
    person: str = _f("person id")
    plan: str = _f("plan id, e.g. k401")
    date: date = _f("contribution date")
    amount: Decimal = _f("amount contributed")


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanRothContribution(Event):
    kind: ClassVar[str] = "plan_roth_contribution"
    doc: ClassVar[str] = "designated Roth (Roth 401(k)) contribution; starts the plan's Roth clock"
    person: str = _f("person id")
    plan: str = _f("plan id")
    tax_year: int = _f("tax year of the deferral")
    date: date = _f("contribution date")
    amount: Decimal = _f("amount contributed")
    employer: bool = _f(
        "true for an employer matching or nonelective contribution the participant designated "
        "as Roth (SECURE 2.0 §604, IRC §402A(a)(2)-(3), after 2022-12-29): not an elective "
        "deferral (no §402(g) limit), still a §415(c) annual addition",
        False,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanDistribution(Event):
    kind: ClassVar[str] = "plan_distribution"
    doc: ClassVar[str] = (
        "distribution of a plan's after-tax money, split per Notice 2014-54 among a Roth IRA, "
        "a traditional IRA and cash"
    )
    person: str = _f("person id")
    plan: str = _f("plan id")
    date: date = _f("distribution date")
    amount: Decimal = _f("total distributed (one distribution, all destinations)")
    account_value: Decimal = _f(
        "value just before: the after-tax sub-account with separate accounting, else the "
        "whole pretax + after-tax balance"
    )
    separate_accounting: bool = _f("the plan keeps §72(d)(2) separate accounting", True)
    to_roth_ira: Decimal = _f("amount rolled to a Roth IRA", Decimal("0.00"))
    to_traditional_ira: Decimal = _f("amount rolled to a traditional IRA", Decimal("0.00"))
    to_cash: Decimal = _f("amount paid out in cash", Decimal("0.00"))


@dataclass(frozen=True, slots=True, kw_only=True)
class InPlanRothRollover(Event):
    kind: ClassVar[str] = "in_plan_roth_rollover"
    doc: ClassVar[str] = (
        "plan money rolled into the plan's designated Roth account (IRR), with its own "
        "5-year recapture clock"
    )
    person: str = _f("person id")
    plan: str = _f("plan id")
    date: date = _f("rollover date")
    amount: Decimal = _f("amount rolled in plan")
    account_value: Decimal | None = _f("value it was pro-rated over (if taxable not given)", None)
    taxable: Decimal | None = _f("taxable amount (1099-R box 2a), if known", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class DesignatedRothRollover(Event):
    kind: ClassVar[str] = "designated_roth_rollover"
    doc: ClassVar[str] = "Roth 401(k) -> Roth IRA; basis is 1099-R box 5"
    person: str = _f("person id")
    plan: str = _f("plan id")
    date: date = _f("rollover date")
    amount: Decimal = _f("amount rolled over (1099-R box 1)")
    basis: Decimal | None = _f("investment in the contract rolled (1099-R box 5)", None)
    qualified: bool | None = _f(
        "true if a qualified designated Roth distribution (code H/B+Q)", None
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Recharacterization(Event):
    kind: ClassVar[str] = "recharacterization"
    doc: ClassVar[str] = (
        "a contribution moved Roth <-> traditional IRA (treated as made to the other kind on "
        "its date, for its tax year), or a conversion made before 2018 undone (1099-R code R/N)"
    )
    person: str = _f("person id")
    date: datetime.date = _f("the day the trustee moved it")
    target: str = _f(
        "id of the roth_contribution, ira_contribution or (before 2018) roth_conversion"
    )
    amount: Decimal = _f("amount moved, including the net income attributable (1099-R box 1)")
    part: Decimal | None = _f(
        "the part of the target's own amount recharacterized, before its net income (Reg. "
        "1.408A-5 A-2; Pub 590-A): the rest stays as it was (a contribution is split; a "
        "conversion keeps the rest converted). Default: the whole target",
        None,
    )
    contribution: Decimal | None = _f(
        "a contribution target only: the same as part (the part of the contribution "
        "recharacterized, without its net income); give one of them",
        None,
    )
    deductible: bool | None = _f(
        "a roth_contribution moved to a traditional IRA: true if it is deducted on the "
        "return (no basis; default false: nondeductible, Form 8606 line 1)",
        None,
    )

    @property
    def moved_part(self) -> Decimal | None:
        """``part``, or ``contribution`` (its name for a contribution); None: the whole."""
        return self.part if self.part is not None else self.contribution


# --- corrections ------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Void(Event):
    kind: ClassVar[str] = "void"
    doc: ClassVar[str] = "cancels an earlier event; both stay in the history"
    target: str = _f("id of the event it cancels")
    reason: str = _f("why")


ALL_KINDS: tuple[type[Event], ...] = (
    HouseholdNamed,
    PersonAdded,
    RothContribution,
    RothContributionReturn,
    RothContributionLimit,
    TaxYearIncome,
    IraContribution,
    IraDistribution,
    IraDisasterRepayment,
    IraYearEndValue,
    RothConversion,
    PlanAfterTaxContribution,
    PlanRothContribution,
    PlanDistribution,
    InPlanRothRollover,
    DesignatedRothRollover,
    RothDistribution,
    RothYearEndValue,
    PersonDisabled,
    PersonDied,
    Recharacterization,
    RothSepSimpleContribution,
    Roth529Rollover,
    RothInherited,
    Void,
)
KINDS: dict[str, type[Event]] = {cls.kind: cls for cls in ALL_KINDS}
INTERNAL_KINDS = frozenset({"household_named", "person_added"})
FILE_KINDS = tuple(k for k in KINDS if k not in INTERNAL_KINDS)
PLAN_KINDS = frozenset(
    {
        "plan_after_tax_contribution",
        "plan_roth_contribution",
        "plan_distribution",
        "in_plan_roth_rollover",
        "designated_roth_rollover",
    }
)

# --- field table --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a kind as the ledger file, the entry forms and the help show it."""

    name: str
    type: str  # money | date | year | bool | text
    required: bool
    default: object
    help: str


_TYPE_NAMES = {Decimal: "money", date: "date", int: "year", bool: "bool", str: "text"}
_COMMON = ("id", "memo", "source")


#: the annotations this module's event fields are written with (text: ``from __future__
#: import annotations``), each as :func:`typing.get_type_hints` evaluates it here, less
#: ``None``: the field's base type
_ANNOTATED: dict[str, type] = {
    f"{name}{optional}": base
    for name, base in (
        ("str", str),
        ("Decimal", Decimal),
        ("date", date),
        ("datetime.date", datetime.date),
        ("int", int),
        ("bool", bool),
    )
    for optional in ("", " | None")
}


def _spec_for(cls: type[Event], shortcut: bool = True) -> tuple[FieldSpec, ...]:
    """The field table of one kind: each field's base type read from its annotation's
    text (:data:`_ANNOTATED`) when every field is written with one of those -- evaluating
    them all through :func:`typing.get_type_hints` (the reference, ``shortcut=False``;
    any other annotation) compiles each text, about a fifth of this module's import; a
    test compares the two on every kind."""
    fields = [f for f in dataclasses.fields(cls) if f.name not in _COMMON]
    if shortcut and all(type(f.type) is str and f.type in _ANNOTATED for f in fields):
        bases = [_ANNOTATED[f.type] for f in fields]  # type: ignore[index]
    else:
        hints = typing.get_type_hints(cls)
        bases = []
        for f in fields:
            hint = hints[f.name]
            args = [a for a in typing.get_args(hint) if a is not type(None)]
            bases.append(args[0] if args else hint)
    out = []
    for f, base in zip(fields, bases, strict=True):
        required = f.default is dataclasses.MISSING
        default = None if required else f.default
        out.append(FieldSpec(f.name, _TYPE_NAMES[base], required, default, f.metadata["help"]))
    return tuple(out)


FIELDS: dict[str, tuple[FieldSpec, ...]] = {k: _spec_for(c) for k, c in KINDS.items()}
COMMON_FIELDS = ("id", "kind", "memo", "source")


#: an id (a household, person, event or plan; SPEC section 4): letters, digits and ``_ . -``
#: up to 64, starting with a letter or digit -- never a path, a quote, a space or a NUL
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
ID_HELP = "letters, digits, '_', '.', '-' (up to 64, starting with a letter or digit)"
#: an event named by a command (``void EVENT_ID``): an id, or an id the ledger made for a
#: person or household record (``person:dana:1a2b3c4d``)
EVENT_REF_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}")


def checked_id(raw: object) -> str:
    """An id given as an option, checked as a file's id is (:data:`ID_PATTERN`)."""
    if not isinstance(raw, str) or not ID_PATTERN.fullmatch(raw):
        raise ValueError(f"{shown(raw)} is not a valid id ({ID_HELP})")
    return raw


def checked_event_ref(raw: object) -> str:
    """An event id given as an argument (:data:`EVENT_REF_PATTERN`)."""
    if not isinstance(raw, str) or not EVENT_REF_PATTERN.fullmatch(raw):
        raise ValueError(f"{shown(raw)} is not an event id ({ID_HELP}, or one `events` lists)")
    return raw


def checked_date(raw: object) -> date:
    """A date field or option: read (YYYY-MM-DD) and inside the dates the ledger takes
    (:func:`ledger.dates.date_problem`)."""
    day = parse_date(raw)
    problem = date_problem(day)
    if problem is not None:
        raise ValueError(problem)
    return day


def parse_value(spec: FieldSpec, raw: object) -> typing.Any:
    """Read one field; raises ValueError with a reason the user can act on."""
    if spec.type == "money":
        return parse_money(raw)
    if spec.type == "date":
        return parse_date(raw)
    if spec.type == "year":
        if isinstance(raw, (bool, dict, list)) or raw is None:
            raise ValueError(f"{shown(raw)} is not a year")
        text = str(raw).strip() if isinstance(raw, (str, int)) else ""
        if not (0 < len(text) <= 6 and text.isdigit() and text.isascii()):
            raise ValueError(f"{shown(raw)} is not a year")
        problem = year_problem(int(text))
        if problem is not None:
            raise ValueError(problem)
        return int(text)
    if spec.type == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "yes", "1", "y"):
            return True
        if text in ("false", "no", "0", "n"):
            return False
        raise ValueError(f"{shown(raw)} is not true or false")
    if raw is None:
        raise ValueError("is empty")
    if isinstance(raw, (dict, list)):
        raise ValueError("must be plain text")
    if isinstance(raw, bool):  # YAML's `yes`, `No`, `on`: never stored as "True"/"False"
        raise ValueError(f"{str(raw).lower()} is not text (put it in quotes if it is meant)")
    text = str(raw).strip()
    if not text:
        raise ValueError("is empty")
    if len(text) > MAX_TEXT:
        raise ValueError(f"is {len(text):,} characters long (at most {MAX_TEXT:,})")
    if "\x00" in text:
        raise ValueError("contains a NUL character")
    return text


# --- payload codec ----------------------------------------------------------------


def _encode(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_payload(event: Event) -> dict[str, object]:
    """The stored JSON payload: every field but ``id`` and ``kind``, Nones dropped."""
    out: dict[str, object] = {}
    for name in _PAYLOAD_NAMES[type(event)]:
        value = getattr(event, name)
        if value is None:
            continue
        out[name] = _encode(value)
    return out


def _payload_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.name != "id")


_PAYLOAD_NAMES: dict[type, tuple[str, ...]] = {c: _payload_names(c) for c in KINDS.values()}


def from_payload(kind: str, event_id: str, payload: dict[str, object]) -> Event:
    """Rebuild an event from its stored payload (schema version 1).

    A full rebuild decodes every stored event, so each kind has a decoder generated once
    (:func:`_decoder`) that sets the slots directly; a payload missing a required field
    takes the field-by-field path, which raises TypeError as the class would."""
    try:
        return _DECODERS[kind](event_id, payload)
    except KeyError:
        return _from_payload_fields(kind, event_id, payload)


def _from_payload_fields(kind: str, event_id: str, payload: dict[str, object]) -> Event:
    """The reference decoder: the payload's known fields through the class's __init__
    (unknown keys ignored)."""
    cls = KINDS[kind]
    values: dict[str, typing.Any] = {"id": event_id}
    for name in ("memo", "source"):
        if payload.get(name) is not None:
            values[name] = payload[name]
    for spec in FIELDS[kind]:
        raw: typing.Any = payload.get(spec.name)
        if raw is None:
            continue
        if spec.type == "money":
            values[spec.name] = Decimal(raw)
        elif spec.type == "date":
            values[spec.name] = date.fromisoformat(raw)
        else:
            values[spec.name] = raw
    return cls(**values)


def _decoder(
    cls: type[Event], convert: bool = True, shortcut: bool = True
) -> typing.Callable[[str, dict], Event]:
    """``decode(event_id, payload)`` for one kind, the same event as
    :func:`_from_payload_fields` (a test compares them on every kind): one line per
    field, each setting its slot directly, as the generated ``__init__`` of a frozen
    dataclass would (dataclasses, too, generates its methods from source). Raises
    KeyError for a missing required field, TypeError for a null one (the reference
    drops a null, then the class refuses the missing field). ``convert=False``: the
    values are already typed (:func:`construct`; None passes, as the class takes it).

    The fields whose default is None (``memo``, ``source``, most optional ones) are left
    out of a stored payload that gives them no value, so they are not looked up when the
    payload has no key but the required ones and the other optional fields it gives a
    value (``bare``: its size is their count -- a dict's keys are distinct; a payload
    missing a required key is refused at that key all the same). Those other fields are
    read first (a lookup, which cannot raise); every field is then set in order, so a
    payload is refused at the field it was before. ``shortcut=False``: every field looked
    up (the reference of tests/test_payload_codec.py)."""
    types = {s.name: s.type for s in FIELDS[cls.kind]}
    twin = _twin(cls)
    scope: dict[str, object] = {
        "new": object.__new__,
        "given": _given,
        "cls": cls,
        "twin": twin,
        "D": Decimal,
        "iso": date.fromisoformat,
    }
    if twin is None:
        lines = ["def decode(event_id, p):", "    o = new(cls)", "    set_id(o, event_id)"]
    else:
        lines = ["def decode(event_id, p):", "    o = new(twin)", "    o.id = event_id"]
    scope["set_id"] = vars(Event)["id"].__set__  # the slot (a member descriptor)
    fields = [f for f in dataclasses.fields(cls) if f.name != "id"]
    shortcut = shortcut and convert and any(f.default is None for f in fields)
    #: optional fields whose default is not None: counted in ``bare`` when given a value
    counted = [
        f.name for f in fields if f.default is not dataclasses.MISSING and f.default is not None
    ]
    required = sum(1 for f in fields if f.default is dataclasses.MISSING)
    body: list[str] = []
    for f in fields:
        name = f.name
        scope[f"set_{name}"] = getattr(cls, name).__set__
        value = "v"
        if convert:
            value = {"money": "D(v)", "date": "iso(v)"}.get(types.get(name, "text"), "v")
        read = [f"v = p.get({name!r})"]
        if f.default is dataclasses.MISSING and convert and value == "v":
            # KeyError if it is not there; null is no value either (the reference drops
            # it, and the class then refuses the missing field; D(None), iso(None) do)
            given, read = f"p[{name!r}] or given(p, {name!r})", []
        elif f.default is dataclasses.MISSING:  # KeyError if it is not there
            given, read = value.replace("v", f"p[{name!r}]"), []
        elif f.default is None and value == "v":  # absent or null: None either way
            given, read = f"p.get({name!r})", []
        else:
            scope[f"default_{name}"] = f.default
            given = f"default_{name} if v is None else {value}"
            if shortcut and name in counted:  # read up front
                given, read = re.sub(r"\bv\b", f"v_{name}", given), []
        set_line = f"set_{name}(o, {given})" if twin is None else f"o.{name} = {given}"
        if shortcut and f.default is None:  # absent from a bare payload
            none_line = f"set_{name}(o, None)" if twin is None else f"o.{name} = None"
            body += ["    if bare:", f"        {none_line}", "    else:"]
            body += [f"        {line}" for line in [*read, set_line]]
        else:
            body += [f"    {line}" for line in [*read, set_line]]
    if shortcut:
        lines += [f"    v_{name} = p.get({name!r})" for name in counted]
        size = " + ".join([str(required)] + [f"(v_{name} is not None)" for name in counted])
        lines.append(f"    bare = len(p) == {size}")
    lines += body
    if twin is not None:
        lines.append("    o.__class__ = cls")
    lines.append("    return o")
    exec("\n".join(lines), scope)  # noqa: S102 -- source built from the field table only
    return scope["decode"]  # type: ignore[return-value]


def _given(payload: dict, name: str) -> object:
    """``payload[name]`` (a false value: ``""``, ``0``, ``false``), unless it is null: a
    required field with no value, TypeError as the class's own refusal."""
    value = payload[name]
    if value is None:
        raise TypeError(f"a stored payload gives null for the required field {name!r}")
    return value


def _twin(cls: type[Event]) -> type | None:
    """A class with ``cls``'s base and slots whose attributes can be set (a frozen
    dataclass refuses ``o.x = v``; setting a slot through its descriptor's ``__set__``
    is a call, ten times a plain attribute store): a decoder fills a new object of the
    twin and then makes it a ``cls`` (``__class__`` assignment, which CPython allows
    between classes of the same layout: the same base and the same slots). None if this
    Python refuses it (the decoder then sets each slot through its descriptor)."""
    twin = type(
        cls.__name__,
        cls.__bases__,
        {
            "__slots__": tuple(vars(cls).get("__slots__", ())),
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
            "__module__": cls.__module__,
        },
    )
    try:
        probe: typing.Any = object.__new__(twin)
        probe.__class__ = cls
    except TypeError:
        return None
    return twin


class _OnFirstUse(dict):
    """A table of generated functions, each made the first time it is looked up (a
    command that reads three kinds does not compile all fifty-odd at start-up)."""

    def __init__(self, make: typing.Callable[[typing.Any], typing.Any]):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        value = self[key] = self.make(key)  # KeyError for an unknown kind, as a dict
        return value


_DECODERS: dict[str, typing.Callable[[str, dict], Event]] = _OnFirstUse(
    lambda kind: _decoder(KINDS[kind])
)
#: per kind, the function :func:`from_payload` calls (a reader's hot loop may call it
#: itself): KeyError for an unknown kind or a missing required field
DECODERS = _DECODERS
_CONSTRUCTORS: dict[str, typing.Callable[[str, dict], Event]] = _OnFirstUse(
    lambda kind: _decoder(KINDS[kind], convert=False)
)


def construct(kind: str, event_id: str, values: dict[str, typing.Any]) -> Event:
    """``KINDS[kind](id=event_id, **values)`` for values already parsed and checked (the
    ledger-file reader), without the keyword-call overhead; a missing required field
    raises TypeError as the class does."""
    try:
        return _CONSTRUCTORS[kind](event_id, values)
    except KeyError:
        return KINDS[kind](id=event_id, **values)


def canonical_json(payload: dict[str, object]) -> str:
    """Sorted keys, no spaces, UTF-8 as is: the stored payload and the hashed text."""
    return _CANONICAL(payload)


def payload_json(event: Event) -> str:
    """``canonical_json(to_payload(event))``, written directly by a per-kind encoder
    (:func:`_encoder`) -- an import writes one per event."""
    return _ENCODERS[type(event)](event)


def _encoder(cls: type[Event], row: bool = False) -> typing.Callable[[Event], typing.Any]:
    """The canonical JSON of one kind's payload without the intermediate dict: the
    fields in sorted order (``sort_keys``), ``None`` left out, money as its string,
    dates as ISO strings, years as numbers, booleans as ``true``/``false``, text
    escaped by the json module's own encoder (a test compares with ``canonical_json``
    on every kind).

    ``row``: the function returns (payload, effective date as ISO text or None,
    effective tax year) -- what a stored row needs of the event (:func:`row_fields`) --
    reading the slots the :attr:`Event.effective_date` and :attr:`Event.effective_tax_year`
    properties read, and the date's text made once for the payload and the row."""
    types = {s.name: s.type for s in FIELDS[cls.kind]}
    names = _PAYLOAD_NAMES[cls]
    scope: dict[str, object] = {"text": json.encoder.encode_basestring, "end_of_year": end_of_year}
    lines = ["def encode(e):", "    out = []"]
    # the properties' own logic, written per kind, when the kind keeps the base class's
    fast = (
        row
        and cls.effective_date is Event.effective_date
        and cls.effective_tax_year is Event.effective_tax_year
        and all(
            types.get(n, t) == t
            for n, t in (("date", "date"), ("year", "year"), ("tax_year", "year"))
        )
    )
    for name in sorted(names):
        kind = types.get(name, "text")
        value = {
            "money": "'\"' + str(v) + '\"'",
            "date": "'\"' + v.isoformat() + '\"'",
            "year": "str(int(v))",
            "bool": "('true' if v else 'false')",
        }.get(kind, "text(v)")
        lines.append(f"    v = e.{name}")
        if fast and name == "date":  # the effective date's text, made once
            lines.append("    day = None if v is None else v.isoformat()")
            value = "'\"' + day + '\"'"
        lines.append(f"    if v is not None: out.append({json.dumps(name)!r} + ':' + {value})")
    payload = "'{' + ','.join(out) + '}'"
    if not row:
        lines.append(f"    return {payload}")
    elif not fast:
        lines += [
            "    eff = e.effective_date",
            f"    return {payload}, None if eff is None else eff.isoformat(), e.effective_tax_year",
        ]
    else:
        if "date" not in names:
            lines.append("    day = None")
        lines += _effective_lines(names, "day", "e.")
        lines.append(f"    return {payload}, day, year")
    exec("\n".join(lines), scope)  # noqa: S102 -- source built from the field table only
    return scope["encode"]  # type: ignore[return-value]


def _effective_lines(
    names: typing.Collection[str], day: str, field: str, memo: bool = False
) -> list[str]:
    """Source lines completing ``day`` (the ``date`` field's ISO text or None, made
    before) to :attr:`Event.effective_date`'s text -- else the ``year``'s Dec 31 -- and
    setting ``year`` to :attr:`Event.effective_tax_year` (tax_year, else year, else the
    effective date's year), each field ``NAME`` read as ``field + NAME``. ``memo``: the
    Dec 31 text kept per year (:func:`_year_end_text`; the scope has ``year_ends`` and
    ``year_end``)."""
    lines = []
    if "year" in names:
        lines.append(f"    if {day} is None and {field}year is not None:")
        if memo:
            lines.append(f"        {day} = year_ends.get({field}year) or year_end({field}year)")
        else:
            lines.append(f"        {day} = end_of_year({field}year).isoformat()")
    lines.append("    year = None")
    for name in ("tax_year", "year"):
        if name in names:
            lines.append(f"    if year is None: year = {field}{name}")
    if "date" in names:
        lines.append(f"    if year is None and {field}date is not None: year = {field}date.year")
    return lines


_ENCODERS: dict[type, typing.Callable[[Event], str]] = _OnFirstUse(_encoder)
#: per kind, the function :func:`row_fields` calls (a writer's hot loop may call it itself)
ROW_FIELDS: dict[type, typing.Callable[[Event], tuple[str, str | None, int | None]]] = _OnFirstUse(
    lambda cls: _encoder(cls, row=True)
)


#: the ISO texts of the dates (and of the years' Dec 31) the hashed encoders wrote, by
#: date (by year): ``date.isoformat`` formats through printf, about a tenth of an
#: encoder's work, and a ledger's events share few dates; emptied beyond ISO_TEXTS
_ISO_TEXTS: dict[date, str] = {}
_YEAR_END_TEXTS: dict[int, str] = {}
ISO_TEXTS = 65536


def _iso_text(day: date) -> str:
    """``day.isoformat()``, kept in :data:`_ISO_TEXTS` when ``day`` is a date (not a
    datetime or other subclass; a datetime never equals a date, so it is never found in
    place of one)."""
    text = day.isoformat()
    if type(day) is date:
        if len(_ISO_TEXTS) >= ISO_TEXTS:
            _ISO_TEXTS.clear()
        _ISO_TEXTS[day] = text
    return text


def _year_end_text(year: int) -> str:
    """``end_of_year(year).isoformat()``, kept in :data:`_YEAR_END_TEXTS` for an int."""
    text = end_of_year(year).isoformat()
    if type(year) is int:
        if len(_YEAR_END_TEXTS) >= ISO_TEXTS:
            _YEAR_END_TEXTS.clear()
        _YEAR_END_TEXTS[year] = text
    return text


def _hashed_encoder(cls: type[Event], memo: bool = True) -> typing.Callable[[Event], typing.Any]:
    """:func:`row_fields` with the hashed document's share of the event: ``(payload,
    hashed, effective date as ISO text or None, effective tax year)``, ``hashed`` being
    ``encode_basestring(kind) + ',"payload":' + encode_basestring(payload)`` -- the text
    :func:`ledger.store.hashing.chained` hashes from the kind to the payload's end --
    written directly: the payload's keys, brackets and quotes escaped once, when the
    function is made, and its values as they are (money, dates, years and booleans have
    nothing to escape; a text's JSON is escaped again, on its own: the escaping is char by
    char, so the pieces' escapes are the whole's). The usual event (each field given or
    not as its class's default is) is two f-strings; any other, a list of parts each.
    ``tests/test_payload_codec.py`` compares it with :func:`row_fields` and the escaping
    on every kind.

    ``memo``: each date's ISO text looked up in :data:`_ISO_TEXTS` first (and a year's
    Dec 31 in :data:`_YEAR_END_TEXTS`), made and kept when missing; ``memo=False``, each
    made by ``isoformat`` (the reference: a hypothesis test holds them equal)."""
    text = json.encoder.encode_basestring
    types = {s.name: s.type for s in FIELDS[cls.kind]}
    names = sorted(_PAYLOAD_NAMES[cls])
    defaults = {f.name: f.default for f in dataclasses.fields(cls)}
    scope: dict[str, object] = {
        "text": text,
        "end_of_year": end_of_year,
        "isos": _ISO_TEXTS,
        "iso": _iso_text,
        "year_ends": _YEAR_END_TEXTS,
        "year_end": _year_end_text,
    }

    def iso(name: str) -> str:  # the expression of a date field's ISO text
        if memo:
            return f"(isos.get(v_{name}) or iso(v_{name}))"
        return f"v_{name}.isoformat()"

    def inner(constant: str) -> str:  # the escape of a piece of the payload's text
        return text(constant)[1:-1]

    fast = (
        cls.effective_date is Event.effective_date
        and cls.effective_tax_year is Event.effective_tax_year
        and all(
            types.get(n, t) == t
            for n, t in (("date", "date"), ("year", "year"), ("tax_year", "year"))
        )
    )
    lines = ["def encode(e):"]
    lines += [f"    v_{name} = e.{name}" for name in names]
    if "date" in names:
        lines.append(f"    day = None if v_date is None else {iso('date')}")
    # the effective date and tax year, as row_fields gives them
    if not fast:
        lines += [
            "    eff = e.effective_date",
            "    eff = None if eff is None else eff.isoformat()",
            "    year = e.effective_tax_year",
        ]
    else:
        lines.append("    eff = day" if "date" in names else "    eff = None")
        lines += _effective_lines(names, "eff", "v_", memo)

    def value(name: str, plain: bool = True) -> str:
        """The expression of a field's JSON value (its text's JSON already in t_NAME);
        ``plain``: a str (else what an f-string formats as that str)."""
        kind = types.get(name, "text")
        if kind == "money":
            return f"str(v_{name})"
        if kind == "date":
            return "day" if name == "date" else iso(name)
        if kind == "year":
            return f"str(int(v_{name}))" if plain else f"int(v_{name})"  # f'{int}' is str
        if kind == "bool":
            return f"('true' if v_{name} else 'false')"
        return f"t_{name}"

    def escaped(name: str, plain: bool = True) -> str:
        if types.get(name, "text") == "text":
            return f"text(t_{name})[1:-1]"
        return value(name, plain)

    def quoted(name: str) -> tuple[str, str]:
        """The quotes around a field's value in the payload (a money or date value's)."""
        q = '"' if types.get(name, "text") in ("money", "date") else ""
        return q, q

    head = text(cls.kind) + ',"payload":"'
    # the usual event: the fields given that have no default or a default not None
    given = [n for n in names if defaults[n] is not None]
    absent = [n for n in names if defaults[n] is None]
    test = [f"v_{n} is not None" for n in given] + [f"v_{n} is None" for n in absent]
    lines.append(f"    if {' and '.join(test) or 'True'}:")
    plain_parts: list[str] = []
    hashed_parts: list[str] = []
    for i, name in enumerate(given):
        open_, close = quoted(name)
        key = ("{" if i == 0 else ",") + json.dumps(name) + ":" + open_
        shown = "text(v_" + name + ")" if types.get(name, "text") == "text" else value(name, False)
        if shown != "day":  # made once for both texts
            lines.append(f"        t_{name} = {shown}")
            shown = f"t_{name}"
        hashed = escaped(name, False) if types.get(name, "text") == "text" else shown
        plain_parts += [repr(key), f"f'{{{shown}}}'", repr(close)]
        hashed_parts += [repr(inner(key)), f"f'{{{hashed}}}'", repr(inner(close))]
    if not given:
        plain_parts.append(repr("{"))
        hashed_parts.append(repr("{"))
    plain_parts.append(repr("}"))
    hashed_parts.append(repr("}" + '"'))
    lines.append(f"        return ({' '.join(p for p in plain_parts if p != repr(''))},")
    lines.append(f"            {repr(head)} {' '.join(p for p in hashed_parts if p != repr(''))},")
    lines.append("            eff, year)")
    # any other: each field given, in order
    lines += ["    out = []", "    esc = []"]
    for name in names:
        open_, close = quoted(name)
        key = json.dumps(name) + ":" + open_
        lines.append(f"    if v_{name} is not None:")
        if types.get(name, "text") == "text":
            lines.append(f"        t_{name} = text(v_{name})")
        else:
            lines.append(f"        t_{name} = {value(name)}")
        lines.append(f"        out.append({key!r} + t_{name} + {close!r})")
        lines.append(
            f"        esc.append({inner(key)!r} + {escaped(name) if types.get(name, 'text') == 'text' else 't_' + name} + {inner(close)!r})"
        )
    lines.append(
        "    return '{' + ','.join(out) + '}', "
        f"{head!r} + '{{' + ','.join(esc) + '}}' + '\"', eff, year"
    )
    source = "\n".join(lines)
    exec(source, scope)  # noqa: S102 -- source built from the field table only
    return scope["encode"]  # type: ignore[return-value]


#: per kind, :func:`_hashed_encoder`'s function (:func:`ledger.store.hashing.chained`'s
#: one call per event)
HASHED_FIELDS: dict[type, typing.Callable[[Event], tuple[str, str, str | None, int | None]]] = (
    _OnFirstUse(_hashed_encoder)
)


def row_fields(event: Event) -> tuple[str, str | None, int | None]:
    """(``payload_json(event)``, ``event.effective_date`` as ISO text or None,
    ``event.effective_tax_year``) in one call: a stored row's share of the event (a test
    compares with those three on every kind)."""
    return ROW_FIELDS[type(event)](event)


# one encoder: json.dumps with non-default options builds a new one per call
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def content_id(kind: str, payload: dict[str, object], occurrence: int = 0) -> str:
    """The id an event given without one got before generated ids were made readable
    (``roth-0936e8211ed3``). Ids already stored stay valid: a file imported again finds
    its events under these ids (:func:`generated_id` is given them as ``legacy``)."""
    digest = hashlib.sha256(f"{kind}\n{canonical_json(payload)}\n{occurrence}".encode()).hexdigest()
    return f"{kind[:4]}-{digest[:12]}"


#: the first part of a generated id: which kind of event it is (one prefix per kind; a
#: kind not listed gets its words' initials; a test checks they are all different)
ID_PREFIX = {
    "roth_contribution": "rc",
    "roth_contribution_return": "rcret",
    "roth_contribution_limit": "rclim",
    "tax_year_income": "income",
    "ira_contribution": "ic",
    "ira_distribution": "idist",
    "ira_disaster_repayment": "idrep",
    "ira_year_end_value": "iyear",
    "roth_conversion": "conv",
    "plan_after_tax_contribution": "pat",
    "plan_roth_contribution": "prc",
    "plan_distribution": "pdist",
    "in_plan_roth_rollover": "irr",
    "designated_roth_rollover": "drr",
    "roth_distribution": "rd",
    "roth_year_end_value": "ryear",
    "person_disabled": "disabled",
    "person_died": "died",
    "recharacterization": "rechar",
    "roth_sep_simple_contribution": "rsep",
    "roth_529_rollover": "r529",
    "void": "void",
}
#: hash digits of a generated id: 4 (65,536 ids per kind and day) and, only when that
#: is taken by another event, more -- the same choice every time for the same ledger
ID_DIGITS = (4, 6, 8, 12, 16, 24)
#: the longest id a ledger file may hold (ledgerfile.validate.TOKEN)
MAX_ID = 64


def id_prefix(kind: str) -> str:
    """The kind's prefix in a generated id (:data:`ID_PREFIX`, else the initials)."""
    return ID_PREFIX.get(kind) or "".join(w[0] for w in kind.split("_"))


def id_stem(kind: str, payload: dict[str, object]) -> str:
    """``rc-2022-03-01``: the kind's prefix and the event's date (else its tax year or
    year); a void's names its target when that fits (``void-rc-2022-03-01-7f3a``)."""
    prefix = id_prefix(kind)
    if kind == "void":  # the target's id, in the characters an id may hold (no ':')
        target = re.sub(r"[^A-Za-z0-9_.\-]+", "-", str(payload.get("target") or "")).strip("-")
        stem = f"{prefix}-{target}"
        return stem if target and len(stem) + 1 + ID_DIGITS[-1] <= MAX_ID else prefix
    when = payload.get("date") or payload.get("tax_year") or payload.get("year")
    return f"{prefix}-{when}" if when is not None else prefix


def generated_id(
    kind: str,
    payload: dict[str, object],
    occurrence: int,
    taken: typing.Callable[[str], bool],
    legacy: typing.Callable[[str], bool] | None = None,
    canonical: str | None = None,
) -> str:
    """A deterministic, short and readable id for an event given without one:
    ``rc-2022-03-01-7f3a`` (kind prefix, date, the first hash digits of the kind, the
    canonical payload and ``occurrence``: the count of identical events before it in the
    same file). The same file gives the same ids, so importing it again adds nothing.

    ``taken(id)``: the id is held by another event (stored with other content, given in
    the file, or generated earlier in it); the hash then gets more digits
    (:data:`ID_DIGITS`), so a collision resolves the same way on every run against the
    same ledger. ``legacy(id)``: the event is stored under its old id
    (:func:`content_id`, the same hash), which is then kept. ``canonical``: the
    payload's :func:`canonical_json`, when the caller has it already."""
    text = canonical_json(payload) if canonical is None else canonical
    digest = hashlib.sha256(f"{kind}\n{text}\n{occurrence}".encode()).hexdigest()
    if legacy is not None and legacy(f"{kind[:4]}-{digest[:12]}"):  # = content_id
        return f"{kind[:4]}-{digest[:12]}"
    stem = id_stem(kind, payload)
    for digits in ID_DIGITS:
        candidate = f"{stem}-{digest[:digits]}"
        if not taken(candidate):
            return candidate
    return f"{id_prefix(kind)[:7]}-{digest[: MAX_ID - 8]}"  # 2^224: never taken
