"""Use cases for form intake: what the ledger knows about a person, and recording all the
events of one form atomically.

``record_events`` validates every event exactly as ``record_event`` does (same raw tree,
same ``validate_ledger``), then appends them in ONE ``store.append`` at the version it
validated against: a form is recorded whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .. import events as ev
from ..errors import InvalidInput, LedgerError, Problem
from ..intake.forms import FormRefused
from ..ledgerfile import Known, validate_ledger
from ..ledgerfile.read import Node, RawLedger
from ..store.api import StoredEvent
from .importing import _fresh_id, _load, _record_tree


@dataclass(frozen=True, slots=True)
class PersonFacts:
    born: date
    died_on: date | None
    disabled_on: date | None
    ira_year_end: dict[int, ev.Event]


def person_facts(store, household: str, person: str) -> PersonFacts:
    """Birth, death and disability dates (not voided) the household holds for a person."""
    stored = [s.event for s in store.load(household)]
    if not stored:
        raise LedgerError(f"no household {household!r}: create it with `record household`")
    voided = {e.target for e in stored if isinstance(e, ev.Void)}
    live = [e for e in stored if e.id not in voided and getattr(e, "person", None) == person]
    born = None
    died = disabled = None
    year_end: dict[int, ev.Event] = {}
    for e in live:
        if isinstance(e, ev.PersonAdded):
            born = e.born
        elif isinstance(e, ev.PersonDied):
            died = min(died or e.date, e.date)
        elif isinstance(e, ev.PersonDisabled):
            disabled = min(disabled or e.date, e.date)
        elif isinstance(e, ev.IraYearEndValue):
            year_end[e.year] = e
    if born is None:
        raise LedgerError(
            f"no person {person!r} in household {household!r}: add them with `record person` first"
        )
    return PersonFacts(born, died, disabled, year_end)


def build_events(
    store, household: str, raw_events: list[dict], label: str
) -> tuple[list[ev.Event], int]:
    """Validate the raw events against the household; return them with fresh ids, and the
    version they were validated at. Raises InvalidInput listing every problem."""
    if not raw_events:
        return [], 0
    stored, version = _load(store, household)
    known = Known.from_events(s.event for s in stored)
    items = []
    for raw in raw_events:
        fields = {k: v for k, v in raw.items() if k != "kind"}
        if raw.get("kind") not in ev.FILE_KINDS or raw["kind"] == "void":
            raise FormRefused([Problem(label, None, "kind", f"cannot record {raw.get('kind')!r}")])
        tree = _record_tree(household, raw["kind"], fields)
        items.extend(tree.value["events"].value)
    root = Node(
        {"version": Node(1, None), "household": Node(household, None), "events": Node(items, None)},
        None,
    )
    try:
        ledger = validate_ledger(RawLedger(label, root), known)
    except InvalidInput as exc:  # one line per problem, as the form's own refusals
        raise FormRefused(exc.problems) from None
    taken = {s.event.id for s in stored}
    out = []
    for event, raw in zip(ledger.events, raw_events):
        if event.id in taken and not raw.get("id"):
            event = _fresh_id(event, taken)
        taken.add(event.id)
        out.append(event)
    return out, version


def record_events(
    store, household: str, raw_events: list[dict], recorded_by: str, label: str = "record form"
) -> list[StoredEvent]:
    """Validate all, then append all in one ``store.append`` (atomic)."""
    events, version = build_events(store, household, raw_events, label)
    if not events:
        return []
    return store.append(household, version, events, recorded_by)
