"""§72(t)(2) exceptions to the 10% additional tax, by kind, with their dollar caps.

A distribution names its exception by kind (stable) or by the Form 5329 line-2 number of
its tax year (codes were renumbered; RULES.md (g)). Caps (RULES.md section 0 and (g)):
first home $10,000 lifetime (§72(t)(8)(B); the whole qualifying distribution counts
against it), birth or adoption $5,000 per child (§72(t)(2)(H); the ledger does not know
the children, so it caps per person per year and says so), emergency personal expense
$1,000 per calendar year after 2023 (§72(t)(2)(I)), domestic abuse $10,000 indexed
(§72(t)(2)(K)). Age 59½ is not a line-2 exception: such a distribution is not early.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..errors import LedgerError

KINDS = (
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

# first day each newer exception is available (SECURE Act 2019; SECURE 2.0 Act 2022)
AVAILABLE_FROM = {
    "birth_adoption": date(2020, 1, 1),
    "terminal_illness": date(2022, 12, 30),
    "emergency": date(2024, 1, 1),
    "domestic_abuse": date(2024, 1, 1),
}

FIRST_HOME_LIFETIME = Decimal("10000")
BIRTH_ADOPTION_CAP = Decimal("5000")
EMERGENCY_CAP = Decimal("1000")
DOMESTIC_ABUSE_CAP = {2024: Decimal("10000"), 2025: Decimal("10300"), 2026: Decimal("10500")}


@dataclass(slots=True)
class CapUsage:
    """What a person has used of the capped exceptions (lifetime / per year)."""

    first_home: Decimal = Decimal("0")
    by_year: dict | None = None

    def used(self, kind: str, year: int) -> Decimal:
        return (self.by_year or {}).get((kind, year), Decimal("0"))

    def add(self, kind: str, year: int, amount: Decimal) -> None:
        if self.by_year is None:
            self.by_year = {}
        self.by_year[(kind, year)] = self.used(kind, year) + amount


def resolve_kind(raw: str | None, tax_year: int, kind_from_code) -> str | None:
    """The exception kind for a distribution's ``exception`` field (kind or code)."""
    if raw is None:
        return None
    text = str(raw).strip().lower()
    if text in KINDS:
        return text
    if text.isdigit():
        return kind_from_code(text.zfill(2), tax_year)
    raise LedgerError(f"unknown exception {raw!r}; use one of: {', '.join(KINDS)}")


def cap_room(kind: str, on: date, usage: CapUsage) -> Decimal | None:
    """Dollars of this exception still available on ``on`` (None = no dollar cap)."""
    start = AVAILABLE_FROM.get(kind)
    if start is not None and on < start:
        raise LedgerError(
            f"the {kind} exception is not available before {start} (distribution on {on})"
        )
    if kind == "first_home":
        return max(FIRST_HOME_LIFETIME - usage.first_home, Decimal("0"))
    if kind == "birth_adoption":
        return max(BIRTH_ADOPTION_CAP - usage.used(kind, on.year), Decimal("0"))
    if kind == "emergency":
        return max(EMERGENCY_CAP - usage.used(kind, on.year), Decimal("0"))
    if kind == "domestic_abuse":
        cap = DOMESTIC_ABUSE_CAP.get(on.year)
        if cap is None:
            raise LedgerError(f"no {on.year} domestic-abuse exception limit on file")
        return max(cap - usage.used(kind, on.year), Decimal("0"))
    return None


def use_cap(kind: str, on: date, amount: Decimal, usage: CapUsage) -> None:
    if kind == "first_home":
        usage.first_home += amount
    elif kind in ("birth_adoption", "emergency", "domestic_abuse"):
        usage.add(kind, on.year, amount)
