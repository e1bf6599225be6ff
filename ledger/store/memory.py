"""An in-memory :class:`~ledger.store.api.EventStore` for fast unit tests.

Same contract, same row building and hash-chain code as the SQL store
(:mod:`ledger.store.hashing`); nothing survives ``close()``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from ..events import Event
from .api import (
    Capabilities,
    ChainProblem,
    CheckedEvents,
    ConcurrencyConflict,
    DuplicateEventId,
    EncodedBatch,
    EventStore,
    StoredEvent,
    StoreError,
)
from .hashing import (
    GENESIS,
    build_rows,
    check_batch_ids,
    check_chains,
    checked_batches,
    load_checked,
    stored_event,
    utc,
)


class MemoryStore:
    """Events kept in dicts; a lock makes ``append`` atomic across threads. Nothing
    another process can see (no capabilities)."""

    capabilities = Capabilities()

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[str, list[dict[str, Any]]] = {}
        self._stored: dict[str, list[StoredEvent]] = {}
        self._position = 0

    def append(
        self,
        household: str,
        expected_version: int,
        events: Sequence[Event],
        recorded_by: str,
        recorded_at: datetime | None = None,
    ) -> list[StoredEvent]:
        at = utc(recorded_at) if recorded_at is not None else datetime.now(UTC)
        check_batch_ids(household, events)
        with self._lock:
            prev = self._head(household, expected_version, events)
            new_rows = build_rows(household, expected_version, prev, events, recorded_by, at)
            stored = []
            for row, event in zip(new_rows, events):
                self._position += 1
                stored.append(stored_event(self._position, row, event))
            self._rows.setdefault(household, []).extend(new_rows)
            self._stored.setdefault(household, []).extend(stored)
            return stored

    def _head(self, household: str, expected_version: int, events: Sequence[Event]) -> str:
        """The hash to chain after, once the version and the ids are checked (lock held)."""
        rows = self._rows.get(household, [])
        if len(rows) != expected_version:
            raise ConcurrencyConflict(household, expected_version, len(rows))
        taken = {r["event_id"] for r in rows}
        for event in events:
            if event.id in taken:
                raise DuplicateEventId(household, event.id)
        return rows[-1]["hash"] if rows else GENESIS

    def append_many(
        self,
        batches: Sequence[tuple[str, int, Sequence[Event]]],
        recorded_by: str,
        recorded_at: datetime | None = None,
    ) -> int:
        at = utc(recorded_at) if recorded_at is not None else datetime.now(UTC)
        batches = checked_batches(batches)
        with self._lock:
            planned = []
            for household, expected_version, events in batches:
                prev = self._head(household, expected_version, events)
                planned.append(
                    (
                        household,
                        events,
                        build_rows(household, expected_version, prev, events, recorded_by, at),
                    )
                )
            for household, events, new_rows in planned:  # nothing can fail from here on
                for row, event in zip(new_rows, events):
                    self._position += 1
                    self._stored.setdefault(household, []).append(
                        stored_event(self._position, row, event)
                    )
                self._rows.setdefault(household, []).extend(new_rows)
            return sum(len(events) for _, events, _ in planned)

    def row_encoder(self, recorded_by: str, recorded_at: datetime):
        at = utc(recorded_at)

        def encode(
            household: str, expected_version: int, prev_hash: str, events: Sequence[Event]
        ) -> EncodedBatch:
            rows = build_rows(household, expected_version, prev_hash, events, recorded_by, at)
            return household, expected_version, prev_hash, list(zip(rows, events))

        return encode

    @contextmanager
    def bulk_import(self) -> Iterator[_BulkImport]:
        """Writes are staged and applied when the block ends normally (lock held)."""
        with self._lock:
            bulk = _BulkImport(self)
            yield bulk
            for household, _, _, pairs in bulk.staged:
                for row, event in pairs:
                    self._position += 1
                    self._stored.setdefault(household, []).append(
                        stored_event(self._position, row, event)
                    )
                self._rows.setdefault(household, []).extend(row for row, _ in pairs)

    def household_shares(self, parts: int) -> list[tuple[str | None, str | None]]:
        with self._lock:
            sizes = [(h, len(rows)) for h, rows in sorted(self._rows.items())]
        total, seen, cuts = sum(n for _, n in sizes), 0, list[str]()
        for household, n in sizes:
            if seen >= total * (len(cuts) + 1) // max(parts, 1) and seen and len(cuts) < parts - 1:
                cuts.append(household)
            seen += n
        bounds: list[str | None] = [None, *cuts, None]
        return list(zip(bounds[:-1], bounds[1:]))

    def reopen(self) -> EventStore:
        raise StoreError("an in-memory store cannot be opened by another process")

    def load(self, household: str, known_on: date | None = None) -> list[StoredEvent]:
        with self._lock:
            events = list(self._stored.get(household, ()))
        if known_on is None:
            return events
        return [e for e in events if e.recorded_at.date() <= known_on]

    def load_events(self, household: str, known_on: date | None = None) -> list[Event]:
        return [s.event for s in self.load(household, known_on)]

    def load_checked(self, household: str, known_on: date | None = None) -> CheckedEvents:
        """The reference form (:func:`ledger.store.hashing.load_checked`): nothing to gain
        from one read in memory."""
        return load_checked(self, household, known_on)

    def version(self, household: str) -> int:
        with self._lock:
            return len(self._rows.get(household, ()))

    def households(self) -> list[str]:
        with self._lock:
            return sorted(self._rows)

    def event_ids(self, household: str) -> set[str]:
        with self._lock:
            return {r["event_id"] for r in self._rows.get(household, ())}

    def find(self, event_id: str) -> list[StoredEvent]:
        with self._lock:
            found = [e for evs in self._stored.values() for e in evs if e.event.id == event_id]
        return sorted(found, key=lambda e: e.position)

    def iter_households(
        self, known_on: date | None = None
    ) -> Iterator[tuple[str, list[StoredEvent]]]:
        for household in self.households():
            events = self.load(household, known_on)
            if events:
                yield household, events

    def iter_household_events(
        self,
        known_on: date | None = None,
        start: str | None = None,
        stop: str | None = None,
    ) -> Iterator[tuple[str, list[Event]]]:
        for household, stored in self.iter_households(known_on):
            if (start is None or household >= start) and (stop is None or household < stop):
                yield household, [s.event for s in stored]

    def heads(
        self, households: Sequence[str] | None = None, known_on: date | None = None
    ) -> dict[str, tuple[int, str]]:
        names = self.households() if households is None else households
        out = {}
        for household in names:
            stored = self.load(household, known_on)
            if stored:
                out[household] = (stored[-1].version, stored[-1].hash)
        return out

    def size(self) -> int:
        with self._lock:
            return self._position

    def hash_at(self, household: str, version: int) -> str | None:
        with self._lock:
            for row in self._rows.get(household, []):
                if row["version"] == version:
                    return row["hash"]
        return None

    def schema_notes(self) -> list[str]:
        return []

    def key_state(self) -> tuple[str | None, str | None]:
        """The memory store is never keyed."""
        return None, None

    def mac_problems(self) -> list[str]:
        return []

    def schema_problems(self) -> list[str]:
        """No schema to change behind the store's back."""
        return []

    def verify(self, household: str | None = None) -> list[ChainProblem]:
        with self._lock:
            names = sorted(self._rows) if household is None else [household]
            rows = [r for h in names for r in self._rows.get(h, [])]
        return list(check_chains(rows))

    def close(self) -> None:
        """Nothing to release."""


class _BulkImport:
    """A memory store's bulk import: batches checked against the heads and staged."""

    def __init__(self, store: MemoryStore):
        self.store = store
        self.staged: list[EncodedBatch] = []
        self.heads: dict[str, tuple[int, str]] = {}

    def write(self, batches: Sequence[EncodedBatch]) -> int:
        for household, version, prev_hash, pairs in batches:
            rows = self.store._rows.get(household, [])
            head = self.heads.get(household) or (len(rows), rows[-1]["hash"] if rows else GENESIS)
            if head != (version, prev_hash):
                raise ConcurrencyConflict(household, version, head[0])
            taken = {r["event_id"] for r in rows}
            for _, event in pairs:
                if event.id in taken:
                    raise DuplicateEventId(household, event.id)
        for batch in batches:
            pairs = batch[3]
            if pairs:
                self.heads[batch[0]] = (pairs[-1][0]["version"], pairs[-1][0]["hash"])
        self.staged.extend(batches)
        return sum(len(b[3]) for b in batches)
