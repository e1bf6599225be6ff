"""Small builders shared by the store tests (importable by spawned worker processes)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.events import RothContribution, Void


def contribution(event_id: str, amount: str = "100.00", year: int = 2020) -> RothContribution:
    return RothContribution(
        id=event_id,
        person="dana",
        tax_year=year,
        date=date(year, 5, 1),
        amount=Decimal(amount),
        source="Form 5498 box 10, test",
    )


def contributions(prefix: str, n: int) -> list[RothContribution]:
    return [contribution(f"{prefix}{i}") for i in range(n)]


def void(event_id: str, target: str) -> Void:
    return Void(id=event_id, target=target, reason="entered twice")
