"""Build a person's facts from compact tuples for rule tests (no store, no files)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.events import KINDS, Event, PersonAdded
from ledger.projections.facts import fold


def D(x) -> Decimal:
    return Decimal(str(x))


def facts(born: str, *events: tuple, household: str = "h"):
    """events: (kind, {field: value}) with ids e1, e2, ... in order."""
    evs: list[Event] = [PersonAdded(id="person:p", person="p", born=date.fromisoformat(born))]
    for i, (kind, fields) in enumerate(events, 1):
        values = {"id": fields.pop("id", f"e{i}"), "person": "p"}
        if kind == "void":
            values.pop("person")
        for k, v in fields.items():
            if k in ("date", "distributed_on"):
                v = date.fromisoformat(v)
            elif k in (
                "amount",
                "taxable",
                "value",
                "earnings",
                "basis",
                "account_value",
                "to_roth_ira",
                "to_traditional_ira",
                "to_cash",
                "qcd",
                "hsa_funding",
            ):
                v = D(v)
            values[k] = v
        evs.append(KINDS[kind](**values))
    return fold(household, evs)
