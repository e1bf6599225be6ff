"""The SQL event store (SQLite file or PostgreSQL) over SQLAlchemy Core.

Appends are one transaction: take the writer lock (``BEGIN IMMEDIATE`` on SQLite,
``pg_advisory_xact_lock`` on PostgreSQL, so global positions become visible in order),
read the household's head, compare with the expected version, insert the rows with one
``executemany`` of plain dicts (on SQLite straight through the driver, see
:func:`_insert`). ``UNIQUE(household, version)`` still turns any race that
slips past into :class:`ConcurrencyConflict`; ``UNIQUE(household, event_id)`` becomes
:class:`DuplicateEventId`. Reads rebuild events with ``events.from_payload``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import IntegrityError

from ..events import Event, from_payload
from .api import ChainProblem, ConcurrencyConflict, DuplicateEventId, StoredEvent, StoreError
from .engine import describe, make_engine, translated
from .hashing import (
    GENESIS,
    SQLITE_DATETIME,
    build_rows,
    check_batch_ids,
    check_chains,
    checked_batches,
    stored_event,
    utc,
)
from .migrate import PG_LOCK_KEY, ensure_head
from .models import EVENTS

COLUMNS = tuple(c for c in EVENTS.c if c.name != "position")
_ROW_KEYS = tuple(c.name for c in COLUMNS)
STREAM_BATCH = 2000


class SqlStore:
    """An :class:`~ledger.store.api.EventStore` on one database (see module docstring)."""

    def __init__(self, engine: Engine, url: URL):
        self.engine = engine
        self.url = url
        self.dialect = engine.dialect.name
        self.notes: list[str] = []  # warnings for the user (a ledger others can read)

    # --- writing -----------------------------------------------------------------

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
        if not events:
            current = self.version(household)
            if current != expected_version:
                raise ConcurrencyConflict(household, expected_version, current)
            return []
        with translated(self.url, "write to"):
            try:
                return self._append(household, expected_version, events, recorded_by, at)
            except IntegrityError as exc:
                raise self._integrity(household, expected_version, events, exc) from None

    def _append(self, household, expected_version, events, recorded_by, at):
        with self.engine.connect().execution_options(immediate=True) as conn:
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})
                head = conn.execute(
                    select(EVENTS.c.version, EVENTS.c.hash)
                    .where(EVENTS.c.household == household)
                    .order_by(EVENTS.c.version.desc())
                    .limit(1)
                ).first()
                current, prev = (head[0], head[1]) if head else (0, GENESIS)
                if current != expected_version:
                    raise ConcurrencyConflict(household, expected_version, current)
                rows = build_rows(household, expected_version, prev, events, recorded_by, at)
                _insert(conn, rows)
                positions = (
                    conn.execute(
                        select(EVENTS.c.position)
                        .where(EVENTS.c.household == household, EVENTS.c.version > expected_version)
                        .order_by(EVENTS.c.version)
                    )
                    .scalars()
                    .all()
                )
        return [stored_event(p, r, e) for p, r, e in zip(positions, rows, events)]

    def append_many(
        self,
        batches: Sequence[tuple[str, int, Sequence[Event]]],
        recorded_by: str,
        recorded_at: datetime | None = None,
    ) -> int:
        at = utc(recorded_at) if recorded_at is not None else datetime.now(UTC)
        batches = checked_batches(batches)
        if not batches:
            return 0
        with translated(self.url, "write to"):
            try:
                return self._append_many(batches, recorded_by, at)
            except IntegrityError as exc:
                household, expected, events = batches[0]
                if len(batches) == 1:
                    raise self._integrity(household, expected, events, exc) from None
                raise self._integrity_many(batches, exc) from None

    def _append_many(self, batches, recorded_by, at) -> int:
        rows: list[dict[str, Any]] = []
        with self.engine.connect().execution_options(immediate=True) as conn:
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})
                heads = _heads(conn, [household for household, _, _ in batches])
                for household, expected_version, events in batches:
                    current, prev = heads.get(household, (0, GENESIS))
                    if current != expected_version:
                        raise ConcurrencyConflict(household, expected_version, current)
                    rows.extend(
                        build_rows(household, expected_version, prev, events, recorded_by, at)
                    )
                _insert(conn, rows)
        return len(rows)

    def _integrity_many(self, batches, exc: IntegrityError):
        for household, expected, events in batches:
            problem = self._integrity(household, expected, events, exc)
            if isinstance(problem, DuplicateEventId) and problem.event_id != "?":
                return problem
        return ConcurrencyConflict(batches[0][0], batches[0][1], self.version(batches[0][0]))

    def _integrity(self, household, expected_version, events, exc: IntegrityError):
        message = str(exc.orig)
        constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None) or ""
        if "event_id" in constraint or "events.event_id" in message:
            taken = self.event_ids(household)
            for event in events:
                if event.id in taken:
                    return DuplicateEventId(household, event.id)
            return DuplicateEventId(household, "?")
        return ConcurrencyConflict(household, expected_version, self.version(household))

    # --- reading -----------------------------------------------------------------

    def load(self, household: str, known_on: date | None = None) -> list[StoredEvent]:
        query = _select_rows(known_on).where(EVENTS.c.household == household)
        with translated(self.url, "read"), self.engine.connect() as conn:
            return [_to_stored(row) for row in conn.execute(query.order_by(EVENTS.c.version))]

    def load_events(self, household: str, known_on: date | None = None) -> list[Event]:
        """The household's events only, in version order (a report's read: three columns,
        no StoredEvent wrappers)."""
        params: dict[str, object] = {"household": household}
        query = _LOAD_EVENTS
        if known_on is not None:
            query, params["cutoff"] = _LOAD_EVENTS_KNOWN_ON, _cutoff(known_on)
        loads = _loads
        with translated(self.url, "read"), self.engine.connect() as conn:
            return [
                from_payload(kind, event_id, loads(payload))
                for event_id, kind, payload in conn.execute(query, params)
            ]

    def version(self, household: str) -> int:
        query = select(func.max(EVENTS.c.version)).where(EVENTS.c.household == household)
        with translated(self.url, "read"), self.engine.connect() as conn:
            return conn.execute(query).scalar() or 0

    def households(self) -> list[str]:
        query = select(EVENTS.c.household).distinct().order_by(EVENTS.c.household)
        with translated(self.url, "read"), self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def event_ids(self, household: str) -> set[str]:
        query = select(EVENTS.c.event_id).where(EVENTS.c.household == household)
        with translated(self.url, "read"), self.engine.connect() as conn:
            return set(conn.execute(query).scalars())

    def find(self, event_id: str) -> list[StoredEvent]:
        query = _select_rows(None).where(EVENTS.c.event_id == event_id)
        with translated(self.url, "read"), self.engine.connect() as conn:
            return [_to_stored(row) for row in conn.execute(query.order_by(EVENTS.c.position))]

    def iter_households(
        self, known_on: date | None = None
    ) -> Iterator[tuple[str, list[StoredEvent]]]:
        """One ordered scan, streamed; memory bounded by one household."""
        query = _select_rows(known_on).order_by(EVENTS.c.household, EVENTS.c.version)
        with translated(self.url, "read"), self._stream(query) as rows:
            household, batch = None, []
            for row in rows:
                if row[1] != household:
                    if batch:
                        yield household, batch
                    household, batch = row[1], []
                batch.append(_to_stored(row))
            if batch:
                yield household, batch

    def iter_household_events(
        self,
        known_on: date | None = None,
        start: str | None = None,
        stop: str | None = None,
    ) -> Iterator[tuple[str, list[Event]]]:
        """Like :meth:`iter_households` with the events only: reads four columns, no
        StoredEvent wrappers (the batch report's full rebuild). ``start``/``stop`` limit
        it to the households ``start <= id < stop`` (a share of a parallel batch)."""
        query = select(EVENTS.c.household, EVENTS.c.event_id, EVENTS.c.kind, EVENTS.c.payload)
        if known_on is not None:
            query = query.where(EVENTS.c.recorded_at < _cutoff(known_on))
        if start is not None:
            query = query.where(EVENTS.c.household >= start)
        if stop is not None:
            query = query.where(EVENTS.c.household < stop)
        query = query.order_by(EVENTS.c.household, EVENTS.c.version)
        loads = _loads
        with translated(self.url, "read"), self._stream(query) as rows:
            household, batch = None, []
            for row_household, event_id, kind, payload in rows:
                if row_household != household:
                    if batch:
                        yield household, batch
                    household, batch = row_household, []
                batch.append(from_payload(kind, event_id, loads(payload)))
            if batch:
                yield household, batch

    def size(self) -> int:
        """About how many events the ledger holds (the last global position: instant)."""
        with translated(self.url, "read"), self.engine.connect() as conn:
            return conn.execute(select(func.max(EVENTS.c.position))).scalar() or 0

    def split_households(self, parts: int) -> list[str]:
        """``parts - 1`` household ids cutting the ordered event stream into parts of about
        equal size (each cut starts a household; fewer if households are few)."""
        total = self.size()
        cuts: list[str] = []
        with translated(self.url, "read"), self.engine.connect() as conn:
            for k in range(1, parts):
                household = conn.execute(
                    select(EVENTS.c.household)
                    .order_by(EVENTS.c.household, EVENTS.c.version)
                    .offset(total * k // parts)
                    .limit(1)
                ).scalar()
                if household is not None and (not cuts or household > cuts[-1]):
                    cuts.append(household)
        return cuts

    @contextmanager
    def bulk_writer(self, snapshot: set[str]) -> Iterator[BulkWriter]:
        """A :class:`BulkWriter` inside one ``BEGIN IMMEDIATE`` transaction on a SQLite
        ledger: committed when the block ends normally, rolled back (nothing stored) when
        it raises. ``snapshot`` is the set of households the rows' builders saw; a
        household created or extended since then is a :class:`ConcurrencyConflict`. Other
        writers wait (busy timeout) while the block runs."""
        if self.dialect != "sqlite":
            raise NotImplementedError("bulk_writer is for SQLite ledgers")
        with translated(self.url, "write to"):
            with self.engine.connect().execution_options(immediate=True) as conn:
                with conn.begin():
                    try:
                        yield BulkWriter(conn, snapshot)
                    except IntegrityError as exc:  # a race the head checks did not see
                        raise StoreError(
                            f"conflict: {describe(exc)}; nothing was stored, run the command again"
                        ) from None

    def verify(self) -> list[ChainProblem]:
        query = select(*COLUMNS).order_by(EVENTS.c.household, EVENTS.c.version)
        with translated(self.url, "verify"), self._stream(query) as rows:
            return list(check_chains(row._mapping for row in rows))

    def _stream(self, query):
        return _Stream(self.engine, query)

    def close(self) -> None:
        self.engine.dispose()


HEAD_CHUNK = 500


def _loads(text: str) -> Any:
    """A stored payload (canonical JSON: no surrounding whitespace) as a dict; the
    decoder's ``raw_decode`` skips ``json.loads``'s whitespace handling, per event."""
    value, end = _RAW_DECODE(text)
    if end != len(text):
        raise ValueError("trailing data after the JSON payload")
    return value


_RAW_DECODE = json.JSONDecoder().raw_decode


def _heads(conn: Connection, households: list[str]) -> dict[str, tuple[int, str]]:
    """Each household's (version, hash) head, in chunks of IN (...) queries."""
    heads: dict[str, tuple[int, str]] = {}
    latest = select(EVENTS.c.household, func.max(EVENTS.c.version).label("v")).group_by(
        EVENTS.c.household
    )
    for start in range(0, len(households), HEAD_CHUNK):
        chunk = households[start : start + HEAD_CHUNK]
        top = latest.where(EVENTS.c.household.in_(chunk)).subquery()
        query = select(EVENTS.c.household, EVENTS.c.version, EVENTS.c.hash).join(
            top, (EVENTS.c.household == top.c.household) & (EVENTS.c.version == top.c.v)
        )
        for household, version, hash_ in conn.execute(query):
            heads[household] = (version, hash_)
    return heads


_SQLITE_INSERT = "INSERT INTO events ({}) VALUES ({})".format(
    ", ".join(_ROW_KEYS), ", ".join("?" for _ in _ROW_KEYS)
)


def sqlite_rows(rows: list[dict[str, Any]]) -> list[tuple]:
    """Rows from ``hashing.build_rows`` as driver-ready tuples in ``_ROW_KEYS`` order, dates
    written in SQLAlchemy's SQLite storage format (``YYYY-MM-DD`` and ``YYYY-MM-DD
    HH:MM:SS.ffffff``, which the ``Date``/``DateTime`` columns read back)."""
    out = []
    when: dict[datetime, str] = {}  # one recorded_at per append: formatted once
    for r in rows:
        at = when.get(r["recorded_at"])
        if at is None:
            at = when[r["recorded_at"]] = r["recorded_at"].strftime(SQLITE_DATETIME)
        eff = r["effective_date"]
        out.append(
            (
                r["household"],
                r["event_id"],
                r["version"],
                r["kind"],
                r["schema_version"],
                r["payload"],
                None if eff is None else eff.isoformat(),
                r["tax_year"],
                at,
                r["recorded_by"],
                r["prev_hash"],
                r["hash"],
            )
        )
    return out


def _insert(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """One executemany.

    PostgreSQL: SQLAlchemy Core on plain dicts (psycopg "insertmanyvalues" batches).
    SQLite: :func:`sqlite_rows` handed to ``sqlite3.executemany`` via ``exec_driver_sql``
    -- this more than halves the insert time of a large import, where Core's per-row
    parameter processing dominates.
    """
    if conn.dialect.name != "sqlite":
        conn.execute(EVENTS.insert(), rows)
        return
    conn.exec_driver_sql(_SQLITE_INSERT, sqlite_rows(rows))


class BulkWriter:
    """One open write transaction on a SQLite ledger, fed rows built elsewhere (the
    parallel import: worker processes validate files and build chained rows while this
    process inserts them). See :meth:`SqlStore.bulk_writer`."""

    def __init__(self, conn: Connection, snapshot: set[str]):
        self.conn = conn
        # households created by another writer since the workers' snapshot was taken
        query = select(EVENTS.c.household).distinct()
        self.appeared = set(conn.execute(query).scalars()) - snapshot
        self.count = 0

    def insert(self, heads: Sequence[tuple[str, int, str]], rows: list[tuple]) -> None:
        """Check that each household is still at the (version, hash) its rows were
        chained to -- else :class:`ConcurrencyConflict` -- then insert ``rows``
        (``sqlite_rows`` tuples) with one executemany."""
        stale = [h for h in heads if h[1] or h[0] in self.appeared]
        if stale:
            found = _heads(self.conn, [h[0] for h in stale])
            for household, version, prev_hash in stale:
                current, head = found.get(household, (0, GENESIS))
                if (current, head) != (version, prev_hash):
                    raise ConcurrencyConflict(household, version, current)
        if rows:
            self.conn.exec_driver_sql(_SQLITE_INSERT, rows)
            self.count += len(rows)


class _Stream:
    """A context manager yielding rows from a server-side / batched cursor."""

    def __init__(self, engine: Engine, query):
        self.engine, self.query = engine, query

    def __enter__(self):
        self.conn: Connection = self.engine.connect()
        self.trans = self.conn.begin()
        options = {"yield_per": STREAM_BATCH, "stream_results": True}
        return self.conn.execution_options(**options).execute(self.query)

    def __exit__(self, *exc_info):
        try:
            self.trans.rollback()
        finally:
            self.conn.close()


#: a report's read, built once (its compiled form and cache key are reused per call)
_LOAD_EVENTS = (
    select(EVENTS.c.event_id, EVENTS.c.kind, EVENTS.c.payload)
    .where(EVENTS.c.household == bindparam("household"))
    .order_by(EVENTS.c.version)
)
_LOAD_EVENTS_KNOWN_ON = _LOAD_EVENTS.where(EVENTS.c.recorded_at < bindparam("cutoff"))

_READ_COLUMNS = (
    EVENTS.c.position,
    EVENTS.c.household,
    EVENTS.c.version,
    EVENTS.c.event_id,
    EVENTS.c.kind,
    EVENTS.c.payload,
    EVENTS.c.recorded_at,
    EVENTS.c.recorded_by,
    EVENTS.c.prev_hash,
    EVENTS.c.hash,
)


def _select_rows(known_on: date | None):
    """The columns :func:`_to_stored` unpacks, optionally as known on a (UTC) day."""
    query = select(*_READ_COLUMNS)
    if known_on is not None:
        query = query.where(EVENTS.c.recorded_at < _cutoff(known_on))
    return query


def _cutoff(known_on: date) -> datetime:
    """The first instant (UTC) after the day ``known_on``."""
    return datetime.combine(known_on + timedelta(days=1), time(), tzinfo=UTC)


def _to_stored(row: Any) -> StoredEvent:
    """A row of :func:`_select_rows` as a StoredEvent (unpacked by position: this runs
    once per event on a full rebuild)."""
    position, household, version, event_id, kind, payload, at, by, prev_hash, hash_ = row
    return StoredEvent(
        position=position,
        household=household,
        version=version,
        event=from_payload(kind, event_id, json.loads(payload)),
        recorded_at=at.replace(tzinfo=UTC) if at.tzinfo is None else utc(at),
        recorded_by=by,
        prev_hash=prev_hash,
        hash=hash_,
    )


def open_sql_store(url: URL) -> SqlStore:
    """Open (and if needed migrate) the database at a resolved URL."""
    with translated(url, "open"):
        engine = make_engine(url)
        try:
            ensure_head(engine)
        except BaseException:
            engine.dispose()
            raise
    return SqlStore(engine, url)
