"""§72(t)(2) exceptions to the 10% additional tax: which one a distribution may claim, and
how much of it its dollar cap leaves.

The law itself (the kinds, their caps, first and last available dates, and the Form 5329
line-2 numbering of each tax year) is data: ``ledger/data/exception_codes.yaml``, read by
:func:`ledger.yearly.exception_law` into the plain :class:`ExceptionLaw` value these rules
take. Nothing here knows a number, a date or a dollar amount of its own.

A distribution names its exception by kind (stable) or by the line-2 number of its tax
year (codes were renumbered; RULES.md (g)). A number is refused when it cannot apply to
an IRA: 01 (separation from service) and 06 (QDRO) never do (§72(t)(3)(A)); the plan-only
numbers of the 2025 numbering do not; 2025's 12 (a distribution at or after 59½) needs
that age; 2025's 21 is the income on a corrective distribution, which is not an exception
a distribution can claim (SECURE 2.0 §333 is applied to ``roth_contribution_return``
itself); a catch-all ("12 other" before 2025, "99 more than one") does not say which
exception, so its cap and dates cannot be checked. Caps (RULES.md section 0 and (g)):
first home $10,000 lifetime (§72(t)(8)(B)); birth or adoption $5,000 per child
(§72(t)(2)(H); the ledger caps per person per year and says so), emergency $1,000 a
calendar year (§72(t)(2)(I)), domestic abuse indexed (§72(t)(2)(K)). Age 59½ is not a
line-2 exception: such a distribution is not early.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from datetime import date
from decimal import Decimal

from ..dataclass import dataclass
from ..errors import LedgerError, MissingFact

ZERO = Decimal("0")


class ExceptionRefused(LedgerError):
    """A distribution claims an exception that does not apply to it."""


@dataclass(frozen=True, slots=True)
class ExceptionKind:
    """One §72(t) exception as the data file states it for a tax year."""

    kind: str
    description: str
    citation: str
    available_from: date | None
    available_until: date | None
    cap: Decimal | None  # the year's dollar cap, None = no cap
    cap_missing: bool  # a cap by year with no figure for this year on file
    counted: str | None  # lifetime | year | not_tracked | None
    ledger_note: str | None
    line2: bool
    claimable: bool
    code: str | None  # the year's line-2 number; None = not on file / not on line 2
    code_certain: bool  # False: the year's numbering is not on file, check the number

    def available_on(self, day: date) -> bool:
        if self.available_from is not None and day < self.available_from:
            return False
        return self.available_until is None or day <= self.available_until


@dataclass(frozen=True, slots=True)
class CodeMeaning:
    """What a line-2 number stands for in a tax year."""

    code: str
    name: str
    kind: str | None  # the exception kind it names, if it names one
    refused: str | None  # why an IRA distribution cannot claim it
    ambiguous: str | None
    needs_age: bool


@dataclass(frozen=True, slots=True)
class ExceptionLaw:
    """Everything the data file says about exceptions for one tax year."""

    tax_year: int
    kinds: Mapping[str, ExceptionKind]
    codes: Mapping[str, CodeMeaning] | None  # None: the year's numbering is not confirmed
    numbering_source: str
    numbering_on_file: bool = True  # False: no entry for the year at all

    def info(self, kind: str) -> ExceptionKind:
        try:
            return self.kinds[kind]
        except KeyError:
            raise ExceptionRefused(
                f"unknown exception {kind!r}; use one of: {', '.join(self.claimable())}"
            ) from None

    def claimable(self) -> tuple[str, ...]:
        return tuple(k for k, v in self.kinds.items() if v.claimable)


@dataclass(frozen=True, slots=True)
class Claim:
    """The exception kind a distribution claims (``age_59_and_a_half`` for 2025's 12)."""

    kind: str
    named_as: str  # what the event said: the kind or the number


def normalize_code(code: object) -> str:
    text = str(code).strip()
    return text.zfill(2) if text.isdigit() and len(text) < 2 else text


def claim(
    raw: str | None,
    on: date,
    law: ExceptionLaw,
    age_59_half_on: date | None,
    what: str = "a Roth IRA distribution",
) -> Claim | None:
    """The exception a distribution on ``on`` claims by ``raw`` (a kind or a line-2
    number of ``law.tax_year``), or :class:`ExceptionRefused` saying why it cannot."""
    if raw is None:
        return None
    text = str(raw).strip().lower()
    year = law.tax_year
    if text.isdigit():
        code = normalize_code(text)
        if not law.numbering_on_file:
            raise ExceptionRefused(
                f"no {year} Form 5329 exception numbering on file; name the exception kind "
                "(e.g. first_home)"
            )
        if law.codes is None:
            raise ExceptionRefused(
                f"the {year} Form 5329 exception numbering is UNCONFIRMED; "
                "name the exception kind (e.g. first_home) instead of a number"
            )
        meaning = law.codes.get(code)
        if meaning is None:
            raise ExceptionRefused(
                f"{code} is not a {year} Form 5329 line-2 exception number; name the exception "
                "kind (e.g. first_home)"
            )
        if meaning.refused:
            raise ExceptionRefused(
                f"exception {code} ({meaning.name}) does not apply to {what} in "
                f"{year}: {meaning.refused}"
            )
        if meaning.ambiguous:
            raise ExceptionRefused(
                f"exception {code} in {year}: {meaning.ambiguous}, so its limits cannot be "
                "checked; name the exception kind (e.g. birth_adoption) instead"
            )
        if meaning.needs_age:
            if age_59_half_on is None or on < age_59_half_on:
                raise ExceptionRefused(
                    f"exception {code} in {year} is for distributions at or after age 59½; this "
                    f"one on {on} is before ({age_59_half_on or 'birth date unknown'})"
                )
            return Claim("age_59_and_a_half", code)
        assert meaning.kind is not None, meaning  # the data file names a kind or a reason
        text = meaning.kind
        named = code
    else:
        named = text
    info = law.kinds.get(text)
    if info is None or not info.claimable:
        raise ExceptionRefused(
            f"unknown exception {raw!r}; use one of: {', '.join(law.claimable())} "
            "or the Form 5329 line-2 number"
        )
    if not info.available_on(on):
        when = (
            f"on or after {info.available_from}"
            if info.available_from and on < info.available_from
            else f"on or before {info.available_until}"
        )
        what = text if named == text else f"exception {named} ({text})"
        raise ExceptionRefused(f"{what} applies only to distributions {when} (this one: {on})")
    return Claim(text, named)


@dataclass(frozen=True, slots=True)
class CapUsage:
    """What a person has used of the capped exceptions: lifetime amounts by kind, and
    yearly amounts by (kind, year). Immutable: :meth:`plus` returns the new usage."""

    used: tuple[tuple[tuple[str, int | None], Decimal], ...] = field(default=())

    def of(self, kind: str, year: int | None) -> Decimal:
        return dict(self.used).get((kind, year), ZERO)

    def plus(self, kind: str, year: int | None, amount: Decimal) -> CapUsage:
        table = dict(self.used)
        table[(kind, year)] = table.get((kind, year), ZERO) + amount
        return CapUsage(tuple(sorted(table.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))))


def _key(info: ExceptionKind, on: date) -> tuple[str, int | None]:
    return (info.kind, None if info.counted == "lifetime" else on.year)


def cap_room(info: ExceptionKind, on: date, usage: CapUsage) -> Decimal | None:
    """Dollars of this exception still available on ``on`` (None = no dollar cap)."""
    if info.cap_missing:
        raise MissingFact(f"no {on.year} cap on file for the {info.kind} exception")
    if info.cap is None or info.counted in (None, "not_tracked"):
        return None
    return max(info.cap - usage.of(*_key(info, on)), ZERO)


def use_cap(info: ExceptionKind, on: date, amount: Decimal, usage: CapUsage) -> CapUsage:
    if info.cap is None or info.counted in (None, "not_tracked") or amount <= 0:
        return usage
    return usage.plus(*_key(info, on), amount)
