"""The event store contract (the only layer that touches SQLModel / SQLAlchemy).

Every backend (SQLite file, PostgreSQL) implements :class:`EventStore`; one contract test
module runs against each (STYLE.md, example 7). Domain code sees only these types.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from ..events import Event


class StoreError(Exception):
    """Infrastructure problem the user can act on (bad URL, unreadable file...)."""


class ConcurrencyConflict(StoreError):
    """Another writer appended to the household first (expected version is stale)."""

    def __init__(self, household: str, expected: int, actual: int | None = None):
        self.household = household
        self.expected = expected
        self.actual = actual
        got = f", it is now at {actual}" if actual is not None else ""
        super().__init__(
            f"conflict: household {household!r} changed while you were writing "
            f"(expected version {expected}{got}); nothing was stored, run the command again"
        )


class DuplicateEventId(StoreError):
    def __init__(self, household: str, event_id: str):
        self.household = household
        self.event_id = event_id
        super().__init__(f"event id {event_id!r} already exists in household {household!r}")


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as stored: the fact plus its place in the household's stream."""

    position: int
    household: str
    version: int
    event: Event
    recorded_at: datetime  # UTC
    recorded_by: str
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class ChainProblem:
    household: str
    version: int
    event_id: str
    reason: str

    def __str__(self) -> str:
        return (
            f"household {self.household!r}: event {self.event_id!r} (version {self.version}): "
            f"{self.reason}"
        )


class EventStore(Protocol):
    def append(
        self,
        household: str,
        expected_version: int,
        events: Sequence[Event],
        recorded_by: str,
        recorded_at: datetime | None = None,
    ) -> list[StoredEvent]:
        """Append atomically after ``expected_version``; raise ConcurrencyConflict if the
        household has moved on, DuplicateEventId if an id is taken. All or nothing."""

    def append_many(
        self,
        batches: Sequence[tuple[str, int, Sequence[Event]]],
        recorded_by: str,
        recorded_at: datetime | None = None,
    ) -> int:
        """Append several households' batches ``(household, expected_version, events)`` in
        ONE transaction (a multi-file import): every batch lands or none does. Raises as
        :meth:`append` for the first batch that cannot land. Returns the number of events
        appended."""

    def load(self, household: str, known_on: date | None = None) -> list[StoredEvent]:
        """The household's events in version order; with ``known_on``, only those recorded
        on or before that (UTC) day."""

    def load_events(self, household: str, known_on: date | None = None) -> list[Event]:
        """The events of :meth:`load`, without their stream metadata (cheaper)."""

    def version(self, household: str) -> int:
        """Current version (0 for an unknown household)."""

    def households(self) -> list[str]:
        """All household ids, sorted."""

    def event_ids(self, household: str) -> set[str]: ...

    def find(self, event_id: str) -> list[StoredEvent]:
        """Every stored event with this id, across households."""

    def iter_households(
        self, known_on: date | None = None
    ) -> Iterator[tuple[str, list[StoredEvent]]]:
        """Stream (household, events) household by household in one ordered scan, with
        memory bounded by one household."""

    def iter_household_events(
        self,
        known_on: date | None = None,
        start: str | None = None,
        stop: str | None = None,
    ) -> Iterator[tuple[str, list[Event]]]:
        """As :meth:`iter_households`, the events only (cheaper: a full rebuild's scan);
        ``start``/``stop`` keep the households ``start <= id < stop``."""

    def size(self) -> int:
        """About how many events are stored (cheap)."""

    def verify(self) -> list[ChainProblem]:
        """Re-check every household's hash chain and version sequence."""

    def close(self) -> None: ...
