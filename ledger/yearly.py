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

from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from .dataclass import dataclass
from .dates import year_text
from .errors import MissingFact
from .rules import exceptions


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
    available_until: date | None
    cap_per: str | None  # lifetime | child | calendar_year | abuse | disaster | None
    cap_amount: Decimal | None
    cap_by_year: tuple[tuple[int, Decimal], ...]
    counted: str | None  # lifetime | year | not_tracked | None (how the ledger counts it)
    ledger_note: str | None
    line2: bool
    claimable: bool
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
        if self.available_from is not None and day < self.available_from:
            return False
        return self.available_until is None or day <= self.available_until


_DATA_DIR: Any = None  # None: the packaged ``ledger/data``; tests may point elsewhere

#: PyYAML's safe loader on libyaml's parser where PyYAML was built with it (a tenth of
#: the pure-Python parser's CPU: ~30 ms of every report and import); the same safe
#: constructor builds the values, and tests/test_yearly.py checks that every data file
#: reads the same with ``yaml.SafeLoader``, the reference
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: the packaged data files' directory, next to this module (a package installed from a
#: zip has none: then ``importlib.resources``, the reference, which importing costs ~44 M
#: instructions of every command's start-up, tempfile and zipfile readers included)
_PACKAGED = Path(__file__).with_name("data")


def _data_root() -> Any:
    """Where the data files are read from: the tests' directory, else the packaged one."""
    if _DATA_DIR is not None:
        return _DATA_DIR
    if _PACKAGED.is_dir():
        return _PACKAGED
    from importlib import resources

    return resources.files("ledger.data")


@cache
def _load(name: str) -> dict[str, Any]:
    text = _data_root().joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=SAFE_LOADER)  # a safe loader (above)


def use_data_dir(path: Any) -> None:
    """Read the data files from ``path`` (a directory) instead of the packaged ones, or
    from the packaged ones again with ``None`` (tests: a fixture data year)."""
    global _DATA_DIR
    _DATA_DIR = path
    for fn in (_load, exception_info, exception_law, _stable_codes, _ira_limit, _phaseout):
        fn.cache_clear()


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


def report_year_problem(year: int) -> str | None:
    """Why a report cannot be made for tax ``year`` (None: it can): the year must be one
    the data files cover -- a year with no deadline, limit or numbering on file has no
    figure to give (and ``-y 99999999999`` never reaches the rules)."""
    years = filing_deadline_years()
    if year not in years:
        return (
            f"{year_text(year)} is not a tax year on file "
            f"(the data files cover {years[0]}-{years[-1]})"
        )
    return None


# --- IRA and plan limits ------------------------------------------------------------


def ira_limit(tax_year: int, age_at_year_end: int | None) -> Decimal:
    """Combined traditional + Roth IRA contribution limit (§219(b)(5)), with the 50+
    catch-up when ``age_at_year_end`` (age on Dec 31 of ``tax_year``) is 50 or more."""
    return _ira_limit(tax_year, age_at_year_end is not None and age_at_year_end >= 50)


@cache  # (year, catch-up or not): a few dozen keys; cleared by use_data_dir
def _ira_limit(tax_year: int, catch_up: bool) -> Decimal:
    row = _load("ira_limits.yaml")["limits"].get(tax_year)
    if row is None:
        raise MissingFact(f"no {tax_year} IRA contribution limit on file")
    limit = _money(row["limit"])
    if catch_up:
        limit += _money(row["catch_up_50"])
    return limit


def qcd_limit(tax_year: int) -> Decimal:
    """The most a person may exclude as qualified charitable distributions in a year
    (§408(d)(8)(A); indexed from 2024, §408(d)(8)(G))."""
    row = _load("qcd_limits.yaml")["limits"].get(tax_year)
    if row is None:
        raise MissingFact(f"no {tax_year} qualified charitable distribution limit on file")
    return _money(row["limit"])


def qcd_first_day() -> date:
    """The first day a qualified charitable distribution could be made (§408(d)(8))."""
    return _as_date(_load("qcd_limits.yaml")["first_qcd"])


def hsa_funding_first_day() -> date:
    """The first day a qualified HSA funding distribution could be made (§408(d)(9))."""
    return _as_date(_load("qcd_limits.yaml")["first_hsa_funding"])


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


FILING_STATUSES = (
    "single",
    "head_of_household",
    "married_filing_jointly",
    "qualifying_surviving_spouse",
    "married_filing_separately",
)


def roth_phaseout(
    tax_year: int, filing_status: str, lived_with_spouse: bool
) -> tuple[Decimal, Decimal]:
    """(threshold, range) of the Roth IRA MAGI phase-out for ``tax_year`` (§408A(c)(3);
    Pub 590-A Table 2-1): joint filers and qualifying surviving spouses, a married person
    filing separately who lived with the spouse, everyone else."""
    if filing_status in ("married_filing_jointly", "qualifying_surviving_spouse"):
        return _phaseout(tax_year, "joint")
    if filing_status == "married_filing_separately" and lived_with_spouse:
        return _phaseout(tax_year, "separate")
    return _phaseout(tax_year, "other")


@cache  # (year, one of three columns): a few dozen keys; cleared by use_data_dir
def _phaseout(tax_year: int, column: str) -> tuple[Decimal, Decimal]:
    data = _load("roth_phaseout.yaml")
    row = data["years"].get(tax_year)
    if row is None:
        raise MissingFact(f"no {tax_year} Roth IRA income phase-out on file")
    if column == "separate":
        sep = data["separate"]
        return _money(sep["threshold"]), _money(sep["range"])
    return _money(row[column]), _money(data["ranges"][column])


def roth_phaseout_years() -> range:
    years = sorted(_load("roth_phaseout.yaml")["years"])
    return range(years[0], years[-1] + 1)


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


def higher_catch_up(year: int) -> Decimal | None:
    """The §414(v)(2)(E) catch-up for ages 60-63 (SECURE 2.0 §109), None before 2025 (the
    plan-limits file has it from 2025); raises as :func:`plan_limits` for a year not on file."""
    row = _load("plan_limits.yaml")["limits"].get(year)
    if row is None:
        raise MissingFact(f"no {year} employer plan limits (402(g)/415(c)) on file")
    value = row.get("catch_up_60_63")
    return None if value is None else _money(value)


# --- exception kinds and Form 5329 line-2 numbers -----------------------------------


def normalize_code(code: object) -> str:
    """'9', 9 or '09' -> '09' (line-2 numbers are two digits)."""
    return exceptions.normalize_code(code)


def is_code(value: object) -> bool:
    return str(value).strip().isdigit()


def exception_kinds() -> tuple[str, ...]:
    """The exception kinds a distribution may name (RULES.md section 0), from the data."""
    return tuple(
        k for k, row in _load("exception_codes.yaml")["kinds"].items() if row.get("claimable", True)
    )


def _numbering(tax_year: int) -> dict[str, Any]:
    for entry in _load("exception_codes.yaml")["numbering"]:
        first, last = entry["years"]
        if first <= tax_year <= last:
            return entry
    raise MissingFact(f"no {tax_year} Form 5329 exception numbering on file")


def _numbering_or_none(tax_year: int) -> dict[str, Any] | None:
    try:
        return _numbering(tax_year)
    except MissingFact:
        return None


def numbering_confirmed(tax_year: int) -> bool:
    """False for years whose line-2 numbering is UNCONFIRMED (2023, 2024)."""
    return _numbering(tax_year)["status"] == "confirmed"


def _code_in(entry: dict[str, Any], kind: str) -> str | None:
    for code, name in entry["codes"].items():
        if name == kind:
            return code
    return entry.get("kind_codes", {}).get(kind)


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
    return _code_in(entry, kind)


@cache
def _stable_codes() -> dict[str, str]:
    """Kinds whose number is the same in every confirmed numbering on file: those may be
    printed for a year whose numbering is not on file."""
    tables = [e for e in _load("exception_codes.yaml")["numbering"] if e["status"] == "confirmed"]
    out: dict[str, str] = {}
    for kind in _load("exception_codes.yaml")["kinds"]:
        codes = {_code_in(e, kind) for e in tables}
        code = codes.pop() if len(codes) == 1 else None
        if code is not None:
            out[kind] = code
    return out


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
        raise LookupError(f"{kind!r} is not an exception kind ({', '.join(exception_kinds())})")
    cap = row.get("cap") or {}
    by_year = tuple(sorted((int(y), _money(v)) for y, v in cap.get("amount_by_year", {}).items()))
    return ExceptionInfo(
        kind=kind,
        description=row["description"],
        irc=row["irc"],
        available_from=row.get("available_from"),
        available_until=row.get("available_until"),
        cap_per=cap.get("per"),
        cap_amount=_money(cap["amount"]) if "amount" in cap else None,
        cap_by_year=by_year,
        counted=cap.get("counted"),
        ledger_note=cap.get("ledger_note"),
        line2=row.get("line2", True),
        claimable=row.get("claimable", True),
        source=row["source"],
    )


@cache
def exception_law(tax_year: int) -> exceptions.ExceptionLaw:
    """The exceptions as the data file states them for ``tax_year``: the plain value the
    rules take (:mod:`ledger.rules.exceptions`). A year whose numbering is not on file
    (or UNCONFIRMED) gets no code table; its kinds carry the numbers that never changed,
    marked to be checked."""
    data = _load("exception_codes.yaml")
    entry = _numbering_or_none(tax_year)
    confirmed = entry is not None and entry["status"] == "confirmed"
    stable = _stable_codes()
    kinds = {}
    for kind in data["kinds"]:
        info = exception_info(kind)
        try:
            cap, missing = info.cap(tax_year), False
        except MissingFact:
            cap, missing = None, True
        if not info.line2:
            code, certain = None, True
        elif confirmed and entry is not None:
            code, certain = _code_in(entry, kind), True
        else:
            code, certain = stable.get(kind), False
        kinds[kind] = exceptions.ExceptionKind(
            kind=kind,
            description=info.description,
            citation=info.source,
            available_from=info.available_from,
            available_until=info.available_until,
            cap=cap,
            cap_missing=missing,
            counted=info.counted,
            ledger_note=info.ledger_note,
            line2=info.line2,
            claimable=info.claimable,
            code=code,
            code_certain=certain,
        )
    codes = None
    if confirmed and entry is not None:
        meanings = data.get("meanings", {})
        codes = {}
        for code, name in entry["codes"].items():
            m = meanings.get(name, {})
            codes[code] = exceptions.CodeMeaning(
                code=code,
                name=name,
                kind=name if name in data["kinds"] else m.get("kind"),
                refused=m.get("refused"),
                ambiguous=m.get("ambiguous"),
                needs_age="needs_age" in m,
            )
    source = entry["source"] if entry else f"no {tax_year} Form 5329 exception numbering on file"
    return exceptions.ExceptionLaw(tax_year, kinds, codes, source, entry is not None)
