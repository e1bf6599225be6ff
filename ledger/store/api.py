"""The event store contract (the only layer that touches SQLModel / SQLAlchemy).

Every backend (memory, SQLite file, PostgreSQL) implements :class:`EventStore`; one
contract test module runs against each (STYLE.md, example 7). Domain code sees only these
types. Everything the rest of the code asks of a store is declared here -- appending, the
bulk import (the store encodes the rows, chains the hashes and owns the write path),
reading one household, streaming households in shares -- and what a store can do beyond
the minimum is said by its :class:`Capabilities`, never guessed from its URL.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any, Protocol

from ..dataclass import dataclass
from ..errors import LedgerError
from ..events import Event


class StoreError(Exception):
    """Infrastructure problem the user can act on (bad URL, unreadable file...)."""


class OtherRevision(StoreError):
    """The ledger's schema is at another revision than this release's (an older ledger:
    ``roth-ledger db upgrade``); reading commands do not upgrade it (exit 5)."""

    def __init__(self, message: str, where: str, revision: str, head: str) -> None:
        super().__init__(message)
        self.where, self.revision, self.head = where, revision, head


class BadDatabaseUrl(StoreError, LedgerError):
    """A database URL that cannot be read: bad input (exit 2), not a database problem."""


class Tampered(StoreError, LedgerError):
    """The stored ledger was changed outside roth-ledger: a broken hash chain or a stored
    value that cannot be read. Never a figure from it (exit 6, as ``verify``)."""

    exit_code = 6


class BrokenHousehold(list):
    """What :meth:`EventStore.iter_household_events` yields, in place of the events, for a
    household whose chain is broken or whose stored value cannot be read: no events, and
    why (the event and version, as ``verify`` names them)."""

    def __init__(self, reason: str):
        super().__init__()
        self.reason = reason


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
    """A stored event whose hash chain does not check: where, and why."""

    household: str
    version: int
    event_id: str
    reason: str

    def __str__(self) -> str:
        return (
            f"household {self.household!r}: event {self.event_id!r} (version {self.version}): "
            f"{self.reason}"
        )


@dataclass(frozen=True, slots=True)
class CheckedEvents:
    """What :meth:`EventStore.load_checked` read: the household's events (as known on the
    date asked), the head ``(version, hash)`` they end on (None: no events), or -- when
    the household's chain or a stored value is broken -- no events and the first
    problem, as :meth:`EventStore.verify` names it."""

    events: list[Event]
    head: tuple[int, str] | None
    problem: ChainProblem | None = None


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a store can do beyond the contract's minimum (the app layer asks, it never
    inspects a URL).

    ``reopen_in_fork``: a forked child process can open the same ledger with
    :meth:`EventStore.reopen` (from the store's own configuration, inherited by the fork:
    nothing is rendered or passed in clear) -- the batch report's shares use it.
    ``concurrent_import``: while :meth:`EventStore.bulk_import` holds the write
    transaction, worker processes may read the ledger (through :meth:`EventStore.reopen`)
    and encode rows with :meth:`EventStore.row_encoder` -- the parallel import uses it.
    """

    reopen_in_fork: bool = False
    concurrent_import: bool = False


#: One household's rows as its store encodes them: ``(household, expected_version,
#: prev_hash, rows)`` -- the head the rows were chained after, and the rows in the store's
#: own format (opaque to the caller; plain data, so a worker process can hand it over).
EncodedBatch = tuple[str, int, str, Any]


class RowEncoder(Protocol):
    """Encodes and hash-chains a household's new events for one import (fixed
    ``recorded_by`` and ``recorded_at``); pure, so it may run in a worker process."""

    def __call__(
        self, household: str, expected_version: int, prev_hash: str, events: Sequence[Event]
    ) -> EncodedBatch: ...


class BulkImport(Protocol):
    """One open write transaction (see :meth:`EventStore.bulk_import`)."""

    def write(self, batches: Sequence[EncodedBatch]) -> int:
        """Check each household is still at the head its rows were chained after (else
        :class:`ConcurrencyConflict`), then write the rows; returns how many."""
        ...


class EventStore(Protocol):
    #: what this store can do beyond the minimum (see :class:`Capabilities`)
    capabilities: Capabilities

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

    def row_encoder(self, recorded_by: str, recorded_at: datetime) -> RowEncoder:
        """This store's row builder for one import (see :class:`RowEncoder`)."""
        ...

    def bulk_import(self) -> AbstractContextManager[BulkImport]:
        """ONE write transaction for a large import, fed :class:`EncodedBatch` es from
        :meth:`row_encoder` (in this process or in workers): committed when the block ends
        normally, rolled back -- nothing stored -- when it raises. Other writers wait."""
        ...

    def load(self, household: str, known_on: date | None = None) -> list[StoredEvent]:
        """The household's events in version order; with ``known_on``, only those recorded
        on or before that (UTC) day."""

    def load_events(self, household: str, known_on: date | None = None) -> list[Event]:
        """The events of :meth:`load`, without their stream metadata (cheaper)."""

    def load_checked(self, household: str, known_on: date | None = None) -> CheckedEvents:
        """A report's read, in one snapshot: the household's whole chain and every stored
        value checked (as ``verify(household)``: the first problem is returned, never
        raised), then the events of :meth:`load_events` and their head (as
        :meth:`heads`). The reference form is :func:`ledger.store.hashing.load_checked`."""
        ...

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
        ``start``/``stop`` keep the households ``start <= id < stop``. A household whose
        chain does not check (or whose row cannot be read) is a :class:`BrokenHousehold`."""

    def household_shares(self, parts: int) -> list[tuple[str | None, str | None]]:
        """At most ``parts`` ranges ``(start, stop)`` of household ids (None: open end)
        that cut the ordered event stream into shares of about equal size, for
        :meth:`iter_household_events`; together they cover every household."""
        ...

    def reopen(self) -> EventStore:
        """The same ledger opened afresh in a forked child process (only when
        ``capabilities.reopen_in_fork``); the parent's connections are left untouched."""
        ...

    def heads(
        self, households: Sequence[str] | None = None, known_on: date | None = None
    ) -> dict[str, tuple[int, str]]:
        """Each household's head ``(version, hash)``: its newest event (recorded on or
        before ``known_on`` when given); ``households`` None: every household."""

    def size(self) -> int:
        """About how many events are stored (cheap)."""

    def verify(self, household: str | None = None) -> list[ChainProblem]:
        """Re-check every household's (or one household's) hash chain, version sequence
        and stored values; an unreadable value is a problem, never an exception."""

    def hash_at(self, household: str, version: int) -> str | None:
        """The hash of a household's event at ``version`` (None: no such event)."""
        ...

    def schema_problems(self) -> list[str]:
        """How the events table, its constraints and its append-only triggers differ from
        what the migrations made (empty: they are the same)."""
        ...

    def schema_notes(self) -> list[str]:
        """What ``verify`` should warn about although nothing is broken (PostgreSQL: the
        role connected owns the tables, so it could drop their triggers)."""
        ...

    def key_state(self) -> tuple[str | None, str | None]:
        """(the fingerprint of the key the ledger was keyed with, or None: unkeyed; the
        fingerprint of the key this store was opened with, or None: no key given). A
        ledger holding MACs without a key record is keyed too (``"?"``)."""
        ...

    def mac_problems(self) -> list[str]:
        """With the key this store was opened with: what the keyed chain shows
        (:func:`ledger.store.keyed.check_macs`); empty without a key."""
        ...

    def close(self) -> None: ...
