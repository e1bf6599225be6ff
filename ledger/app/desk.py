"""The preparer's desk: find a client, and what is still missing for a tax year.

For each person of a household the batch's own row (:func:`ledger.app.batch.person_row`:
the figures, the warnings, the error that stops a figure, e.g. a missing Form 8606 value)
plus the facts a preparer asks for before filing: the year-end values of the year
(Form 5498 box 5; Form 8606 line 6 needs the traditional IRAs' total) and a distribution
that owes the 10% additional tax with no exception recorded (Form 5329 line 2: confirm
none applies). Nothing here computes a figure of its own.
"""

from __future__ import annotations

from dataclasses import field

from .. import events as ev
from ..dataclass import dataclass
from ..errors import LedgerError
from ..projections.facts import HouseholdFacts, fold
from ..rules.policy import Policy
from ..store.api import EventStore
from .batch import batch_row
from .reporting import load_facts

_IRA_FLOWS = (ev.IraContribution, ev.IraDistribution, ev.RothConversion)


@dataclass(frozen=True, slots=True)
class Client:
    household: str
    name: str | None


@dataclass(slots=True)
class PersonStatus:
    person: str
    name: str | None
    row: dict | None  # the batch row; None: no Roth activity in the year
    missing: list[str] = field(default_factory=list)


def find_clients(
    store: EventStore, query: str | None = None, limit: int = 100
) -> tuple[list[Client], int]:
    """Households whose id or display name contains ``query`` (any case), at most
    ``limit`` of them, and how many matched. Without a query only the households shown
    are read; a query reads every household's events once, streamed."""
    wanted = (query or "").strip().lower()
    if not wanted:
        ids = store.households()
        return [Client(h, _name(h, store.load_events(h))) for h in ids[:limit]], len(ids)
    found = []
    for household, events in store.iter_household_events():
        name = _name(household, events)
        if wanted in household.lower() or wanted in (name or "").lower():
            found.append(Client(household, name))
    return found[:limit], len(found)


def _name(household: str, events) -> str | None:
    """The household's display name in force (voids and renames applied by the fold)."""
    return fold(household, events).name


def client_status(
    store: EventStore, household: str, year: int, policy: Policy
) -> list[PersonStatus]:
    """Each person's status; a household that cannot be read is one line saying why (the
    desk goes on, as the batch does)."""
    try:
        facts = load_facts(store, household)
    except LedgerError as exc:
        return [PersonStatus("?", None, None, [str(exc)])]
    return [_person_status(facts, pid, year, policy) for pid in sorted(facts.people)]


def _person_status(facts: HouseholdFacts, pid: str, year: int, policy: Policy) -> PersonStatus:
    person = facts.people[pid]
    row = batch_row(facts.id, person, year, policy)
    status = PersonStatus(pid, person.name, row)
    if row is not None:
        if row["error"]:
            status.missing.append(row["error"])
        status.missing.extend(w for w in row["warnings"].split("; ") if w)
        if row["additional_tax"] not in ("", "0.00") and not any(
            isinstance(e, (ev.RothDistribution, ev.IraDistribution))
            and e.date.year == year
            and e.exception
            for e in person.events
        ):
            status.missing.append(
                f"additional tax {row['additional_tax']} with no exception recorded: "
                "confirm none applies (Form 5329 line 2)"
            )
    kinds = {type(e) for e in person.events if getattr(e, "year", None) == year}
    if row is not None and ev.RothYearEndValue not in kinds:
        status.missing.append(f"no roth_year_end_value for {year} (Form 5498 box 5, Roth IRA)")
    ira_flow = any(
        isinstance(e, _IRA_FLOWS) and (getattr(e, "tax_year", None) or e.date.year) == year
        for e in person.events
    )
    if ira_flow and ev.IraYearEndValue not in kinds:
        status.missing.append(
            f"no ira_year_end_value for {year} (Form 5498 box 5 summed over every "
            "traditional, SEP and SIMPLE IRA: Form 8606 line 6)"
        )
    return status
