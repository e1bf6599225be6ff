"""Use cases that list what the ledger holds: its households, and a household's events in
the order they were recorded (voided ones marked)."""

from __future__ import annotations

from datetime import date
from typing import Any

from .. import events as ev
from ..errors import NotFound
from ..money import fmt_table
from ..store.api import EventStore, StoredEvent, Tampered
from ..voids import cancelled_by


def list_households(store: EventStore) -> list[str]:
    """Every household id, sorted."""
    return store.households()


def _summary(e: ev.Event) -> str:
    if isinstance(e, ev.Void):
        return f"-> {e.target}"
    if isinstance(e, ev.PersonAdded):
        return e.born.isoformat()
    if isinstance(e, ev.RothInherited):
        return f"{fmt_table(e.percent)}% of {e.decedent}" + (" (own)" if e.treat_as_own else "")
    for name in ("amount", "value", "limit", "magi"):
        value = getattr(e, name, None)
        if value is not None:
            return fmt_table(value)
    return ""


def _row(s: StoredEvent, voided: dict[str, str]) -> dict[str, Any]:
    e = s.event
    day = e.effective_date
    return {
        "version": s.version,
        "id": e.id,
        "kind": e.kind,
        "date": day.isoformat() if day else "",
        "person": getattr(e, "person", None) or "",
        "tax_year": e.effective_tax_year,
        "summary": _summary(e),
        "voided_by": voided.get(e.id),
        "recorded_at": s.recorded_at.isoformat(),
        "recorded_by": s.recorded_by,
        "fields": dict(ev.to_payload(e).items()),
    }


def event_history(
    store: EventStore,
    household: str,
    person: str | None = None,
    tax_year: int | None = None,
    kind: str | None = None,
    known_on: date | None = None,
) -> list[dict[str, Any]]:
    """The household's events in version order (as recorded by ``known_on``), filtered by
    person, tax year and kind; each row names the void in force that cancels it (``voided_by``; :mod:`ledger.voids`).
    The household's chain is checked first: a changed row is refused (exit 6, naming the
    event as ``verify`` does), never listed as if it had been recorded so."""
    problems = store.verify(household)
    if problems:
        raise Tampered(
            f"{problems[0]}; the history of a changed ledger is not listed (run roth-ledger verify)"
        )
    stored = store.load(household, known_on)
    if not stored:
        raise NotFound(f"no household {household!r}")
    voided = cancelled_by(s.event for s in stored)
    rows = []
    for s in stored:
        e = s.event
        if person is not None and getattr(e, "person", None) != person:
            continue
        if tax_year is not None and e.effective_tax_year != tax_year:
            continue
        if kind is not None and e.kind != kind:
            continue
        rows.append(_row(s, voided))
    return rows
