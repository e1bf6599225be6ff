"""The carried-forward state of one person, and its read-only snapshot (``report basis``).

Owned and mutated only by :mod:`ledger.projections.person`'s fold; reports see
:class:`BasisSnapshot`, a frozen copy.
"""

from __future__ import annotations

from dataclasses import field
from datetime import date
from decimal import Decimal

from ..dataclass import dataclass
from ..money import ZERO
from ..rules.exceptions import CapUsage
from ..rules.ordering import Bucket
from ..rules.recapture import clock_ends
from .excess import ExcessCarry


@dataclass(slots=True)
class IrrLayer:
    """An in-plan Roth rollover's layer in a plan: its parts not yet distributed."""

    event_id: str
    year: int
    taxable_remaining: Decimal
    nontaxable_remaining: Decimal


@dataclass(slots=True)
class PlanState:
    """A person's basis in one employer plan: after-tax and designated Roth basis, in-
    plan rollover layers, the Roth clock's first year."""

    after_tax_basis: Decimal = ZERO
    designated_roth_basis: Decimal = ZERO
    irr_layers: list[IrrLayer] = field(default_factory=list)
    roth_clock_start: int | None = None


@dataclass(slots=True)
class SpreadState:
    """Deferred conversion income of a 1998 or 2010 income year (rules.conversion_spread)."""

    total: Decimal = ZERO
    included: Decimal = ZERO
    layer_years: set[int] = field(default_factory=set)
    event_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PersonState:
    """One person's folded state: IRA basis, Roth IRA basis layers, plans."""

    ira_basis: Decimal = ZERO
    ira_basis_events: list[str] = field(default_factory=list)  # what the IRA basis came from
    regular: dict[int, Bucket] = field(default_factory=dict)
    drr: list[Bucket] = field(default_factory=list)
    conv: dict[tuple[int, str, str], Bucket] = field(default_factory=dict)
    plans: dict[str, PlanState] = field(default_factory=dict)
    clock_start: int | None = None
    clock_events: list[str] = field(default_factory=list)  # what started the 5-year clock
    caps: CapUsage = field(default_factory=CapUsage)
    conversion_splits: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    excess: ExcessCarry = field(default_factory=ExcessCarry)
    spreads: dict[int, SpreadState] = field(default_factory=dict)  # by income year
    #: post-70½ deductible IRA contributions not yet taken off QCDs (§408(d)(8)(A))
    qcd_offset: Decimal = ZERO

    def plan(self, plan_id: str) -> PlanState:
        return self.plans.setdefault(plan_id, PlanState())

    def start_clock(self, year: int, event_ids=()) -> None:
        if self.clock_start is None or year < self.clock_start:
            self.clock_start = year
            self.clock_events = list(dict.fromkeys(event_ids))
        elif year == self.clock_start:
            self.clock_events.extend(i for i in event_ids if i not in self.clock_events)

    def conv_bucket(self, year: int, source: str, portion: str) -> Bucket:
        key = (year, source, portion)
        b = self.conv.get(key)
        if b is None:
            b = Bucket(source, year, portion, year, ZERO)
            self.conv[key] = b
        return b

    def regular_bucket(self, tax_year: int) -> Bucket:
        b = self.regular.get(tax_year)
        if b is None:
            b = Bucket("regular_contributions", tax_year, None, None, ZERO)
            self.regular[tax_year] = b
        return b


@dataclass(frozen=True, slots=True)
class LayerView:
    """One Roth IRA basis layer as the reports show it."""

    source: str
    year: int
    taxable: Decimal
    nontaxable: Decimal
    clock_ends: date
    event_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BasisSnapshot:
    """A person's basis on a day (the basis report)."""

    regular_contribution_basis: Decimal
    regular_by_year: tuple[tuple[int, Decimal], ...]
    designated_roth_rollover_basis: Decimal
    conversion_layers: tuple[LayerView, ...]
    ira_basis: Decimal
    plans: tuple[tuple[str, Decimal, Decimal], ...]
    clock_start: int | None


def snapshot(state: PersonState) -> BasisSnapshot:
    layers: dict[tuple[int, str], dict] = {}
    for (year, source, portion), b in sorted(state.conv.items()):
        entry = layers.setdefault((year, source), {"taxable": ZERO, "nontaxable": ZERO, "ids": {}})
        entry[portion] += b.remaining
        entry["ids"].update(dict.fromkeys(b.event_ids))  # in first-seen order, each once
    views = tuple(
        LayerView(source, year, e["taxable"], e["nontaxable"], clock_ends(year), tuple(e["ids"]))
        for (year, source), e in sorted(layers.items())
        if e["taxable"] > 0 or e["nontaxable"] > 0
    )
    return BasisSnapshot(
        regular_contribution_basis=sum((b.remaining for b in state.regular.values()), ZERO),
        regular_by_year=tuple(
            (y, b.remaining) for y, b in sorted(state.regular.items()) if b.remaining > 0
        ),
        designated_roth_rollover_basis=sum((b.remaining for b in state.drr), ZERO),
        conversion_layers=views,
        ira_basis=state.ira_basis,
        plans=tuple(
            (pid, p.after_tax_basis, p.designated_roth_basis)
            for pid, p in sorted(state.plans.items())
        ),
        clock_start=state.clock_start,
    )
