"""Yearly numbers as dated data (STYLE.md example 5; RULES.md sections (g) and (h)).

Every figure lives in a YAML file under ``ledger/data/`` with its source; this module only
reads them (once, cached) and answers questions about one year. A year with no value on
file raises :class:`ledger.errors.MissingFact` ("no 2027 IRA contribution limit on file")
-- never a silent default, never last year's number.

    filing_deadline(2019)            -> date(2020, 7, 15)     (Notice 2020-23)
    ira_limit(2024, 52)              -> Decimal("8000")       ($7,000 + $1,000 catch-up)
    plan_limits(2024)                -> PlanLimits(23000, 7500, 69000)
    exception_code("first_home", 2025)  -> "09"
    exception_code("emergency", 2024)   -> None   (2024 numbering UNCONFIRMED: check it)
    exception_kind_from_code("9", 2020) -> "first_home"
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

import yaml

from .errors import MissingFact

#: The stable exception kinds a Roth IRA distribution may name (RULES.md section 0).
EXCEPTION_KINDS = (
    "first_home",
    "disability",
    "death",
    "medical",
    "higher_education",
    "health_insurance_unemployed",
    "sepp",
    "levy",
    "reservist",
    "birth_adoption",
    "terminal_illness",
    "domestic_abuse",
    "emergency",
    "disaster",
)


class PlanLimits(NamedTuple):
    """§402(g) elective deferrals, §414(v) catch-up (50+), §415(c) annual additions."""

    elective_deferral: Decimal
    catch_up: Decimal
    annual_additions: Decimal


@dataclass(frozen=True, slots=True)
class ExceptionInfo:
    """What the ledger knows about one exception kind (RULES.md section (g))."""

    kind: str
    description: str
    irc: str
    available_from: date | None
    cap_per: str | None  # lifetime | child | calendar_year | abuse | disaster | None
    cap_amount: Decimal | None
    cap_by_year: tuple[tuple[int, Decimal], ...]
    line2: bool
    source: str

    def cap(self, year: int) -> Decimal | None:
        """The dollar cap for a distribution in ``year`` (None: no dollar cap)."""
        if self.cap_amount is not None:
            return self.cap_amount
        if not self.cap_by_year:
            return None
        table = dict(self.cap_by_year)
        if year not in table:
            raise MissingFact(f"no {year} cap on file for the {self.kind} exception")
        return table[year]

    def available_on(self, day: date) -> bool:
        return self.available_from is None or day >= self.available_from


@cache
def _load(name: str) -> dict[str, Any]:
    text = resources.files("ledger.data").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _money(value: object) -> Decimal:
    return Decimal(str(value))


# --- filing deadlines ---------------------------------------------------------------


def filing_deadline(tax_year: int) -> date:
    """Last day a traditional or Roth IRA contribution for ``tax_year`` may be made:
    the unextended due date of that year's return (IRC §6072(a), §7503, IRS notices)."""
    row = _load("filing_deadlines.yaml")["deadlines"].get(tax_year)
    if row is None:
        raise MissingFact(f"no {tax_year} IRA contribution filing deadline on file")
    return row["date"]


def filing_deadline_years() -> range:
    years = sorted(_load("filing_deadlines.yaml")["deadlines"])
    return range(years[0], years[-1] + 1)


# --- IRA and plan limits ------------------------------------------------------------


def ira_limit(tax_year: int, age_at_year_end: int | None) -> Decimal:
    """Combined traditional + Roth IRA contribution limit (§219(b)(5)), with the 50+
    catch-up when ``age_at_year_end`` (age on Dec 31 of ``tax_year``) is 50 or more."""
    row = _load("ira_limits.yaml")["limits"].get(tax_year)
    if row is None:
        raise MissingFact(f"no {tax_year} IRA contribution limit on file")
    limit = _money(row["limit"])
    if age_at_year_end is not None and age_at_year_end >= 50:
        limit += _money(row["catch_up_50"])
    return limit


def plan_limits(year: int) -> PlanLimits:
    """(402(g), 414(v) catch-up, 415(c)) for a plan year."""
    row = _load("plan_limits.yaml")["limits"].get(year)
    if row is None:
        raise MissingFact(f"no {year} employer plan limits (402(g)/415(c)) on file")
    return PlanLimits(
        _money(row["elective_deferral"]),
        _money(row["catch_up_50"]),
        _money(row["annual_additions"]),
    )


# --- exception kinds and Form 5329 line-2 numbers -----------------------------------


def normalize_code(code: object) -> str:
    """'9', 9 or '09' -> '09' (line-2 numbers are two digits)."""
    text = str(code).strip()
    return text.zfill(2) if text.isdigit() and len(text) < 2 else text


def is_code(value: object) -> bool:
    return str(value).strip().isdigit()


def _numbering(tax_year: int) -> dict[str, Any]:
    for entry in _load("exception_codes.yaml")["numbering"]:
        first, last = entry["years"]
        if first <= tax_year <= last:
            return entry
    raise MissingFact(f"no {tax_year} Form 5329 exception numbering on file")


def numbering_confirmed(tax_year: int) -> bool:
    """False for years whose line-2 numbering is UNCONFIRMED (2023, 2024)."""
    return _numbering(tax_year)["status"] == "confirmed"


def exception_code(kind: str, tax_year: int) -> str | None:
    """Form 5329 line-2 number for ``kind`` in ``tax_year``.

    None when that year's numbering is UNCONFIRMED (the caller must say the code has to
    be checked) or when the kind is not reported on line 2 (``disaster``: Form 8915-F).
    Raises MissingFact for a year not on file, LookupError for an unknown kind.
    """
    info = exception_info(kind)
    entry = _numbering(tax_year)
    if entry["status"] != "confirmed" or not info.line2:
        return None
    for code, name in entry["codes"].items():
        if name == kind:
            return code
    return entry.get("kind_codes", {}).get(kind)


def exception_kind_from_code(code: object, tax_year: int) -> str:
    """What line-2 number ``code`` stands for in ``tax_year``: an exception kind, or a
    name such as ``other_or_multiple``/``multiple``/``qdro`` for numbers that are not a
    Roth IRA exception kind. Raises MissingFact when that year's numbering is not on file
    (including the UNCONFIRMED years) and LookupError for a number not in the table."""
    entry = _numbering(tax_year)
    if entry["status"] != "confirmed":
        raise MissingFact(
            f"the {tax_year} Form 5329 exception numbering is UNCONFIRMED; "
            "name the exception kind (e.g. first_home) instead of a number"
        )
    key = normalize_code(code)
    if key not in entry["codes"]:
        raise LookupError(f"{code} is not a {tax_year} Form 5329 line-2 exception number")
    return entry["codes"][key]


@cache
def exception_info(kind: str) -> ExceptionInfo:
    """Cap data and first available date of an exception kind."""
    row = _load("exception_codes.yaml")["kinds"].get(kind)
    if row is None:
        raise LookupError(f"{kind!r} is not an exception kind ({', '.join(EXCEPTION_KINDS)})")
    cap = row.get("cap") or {}
    by_year = tuple(sorted((int(y), _money(v)) for y, v in cap.get("amount_by_year", {}).items()))
    return ExceptionInfo(
        kind=kind,
        description=row["description"],
        irc=row["irc"],
        available_from=row.get("available_from"),
        cap_per=cap.get("per"),
        cap_amount=_money(cap["amount"]) if "amount" in cap else None,
        cap_by_year=by_year,
        line2=row.get("line2", True),
        source=row["source"],
    )
