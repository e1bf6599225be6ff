"""The SQL event stores: :class:`SqliteStore` (a file) and :class:`PostgresStore`.

The store's own connection layer (:mod:`ledger.store.dbapi`: no SQLAlchemy) provides the
pool and the transactions; the statements themselves are a handful of plain SQL strings
run on the driver's cursor, one read path and one row builder per store:

* **writing** -- every write is one transaction: take the writer lock (``BEGIN
  IMMEDIATE`` on SQLite, ``pg_advisory_xact_lock`` keyed by the ledger's schema on
  PostgreSQL, so positions become visible in order), read the households' heads,
  compare with the expected versions, then write the rows the store's
  :meth:`~SqlStore.row_encoder` built: one ``executemany`` on SQLite, one ``COPY ...
  FROM STDIN`` on PostgreSQL (psycopg 3; the rows are already COPY text, so the writing
  process only forwards them).
  ``UNIQUE(household, version)`` still turns any race that slips past into
  :class:`ConcurrencyConflict`; ``UNIQUE(household, event_id)`` becomes
  :class:`DuplicateEventId`. :meth:`~SqlStore.bulk_import` holds that transaction open
  for a large import whose rows are encoded elsewhere (worker processes).
* **reading** -- :meth:`SqlStore._reading` runs one SELECT on the driver's cursor (a
  server-side cursor when streaming on PostgreSQL) and every read decodes its rows with
  the same functions (:func:`_event`, :meth:`SqlStore._stored`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime, time, timedelta
from itertools import chain, groupby
from operator import itemgetter
from typing import Any, ClassVar

from ..errors import shown
from ..events import KINDS, SCHEMA_VERSION, Event, from_payload
from .api import (
    BrokenHousehold,
    Capabilities,
    ChainProblem,
    CheckedEvents,
    ConcurrencyConflict,
    DuplicateEventId,
    EncodedBatch,
    EventStore,
    StoredEvent,
    StoreError,
    Tampered,
)
from .dbapi import Connection, Database, describe, make_database, translated
from .dburl import URL
from .hashing import (
    GENESIS,
    chain_reader,
    chained,
    check_batch_ids,
    check_chains,
    checked_batches,
    iso_utc,
    sqlite_rows,
    utc,
)
from .keyed import LedgerKey, check_macs, new_record, records_from, writing_problem
from .migrate import PG_LOCK_SQL, ensure_head
from .schema import SQLITE as SQLITE_HEAD
from .urls import sqlite_file

#: the columns written, in the order every row builder produces them (all but position)
ROW_COLUMNS = (
    "household",
    "event_id",
    "version",
    "kind",
    "schema_version",
    "payload",
    "effective_date",
    "tax_year",
    "recorded_at",
    "recorded_by",
    "prev_hash",
    "hash",
)
_ROW_LIST = ", ".join(ROW_COLUMNS)
#: a keyed store's rows carry one more column, the MAC (:mod:`ledger.store.keyed`)
_KEYED_LIST = f"{_ROW_LIST}, mac"
_KEY_RECORDS = (
    "SELECT fingerprint, since_position, sealed, mac FROM ledger_keys ORDER BY since_position"
)
#: the columns :meth:`SqlStore._stored` unpacks
_STORED = "position, household, version, event_id, kind, payload, recorded_at, recorded_by, prev_hash, hash"
STREAM_BATCH = 2000
#: a stored row's household (the first of :data:`ROW_COLUMNS`)
_HOUSEHOLD = itemgetter(0)
HEAD_CHUNK = 500
#: distinct ``recorded_at`` texts PostgreSQL's scans keep parsed
MOMENTS_CACHE = 4096
#: from this many rows, an append's insert goes through :meth:`SqlStore._inserting`
BULK_ROWS = 200


class SqlStore:
    """An :class:`~ledger.store.api.EventStore` on one database (see module docstring);
    the dialect's part is in :class:`SqliteStore` and :class:`PostgresStore`."""

    #: the driver's placeholder
    PARAM: ClassVar[str] = "?"
    capabilities: Capabilities

    def __init__(self, engine: Database, url: URL):
        self.engine = engine
        self.url = url
        self.notes: list[str] = []  # warnings for the user (a ledger others can read)
        dbapi: Any = engine.dialect.dbapi
        self._errors = (dbapi.Error,)
        self._integrity_error = (dbapi.IntegrityError,)
        #: the reads' check of a household's chain (see :meth:`_chain_events`)
        self._read_chain = chain_reader(self._date_iso, self._time_iso)
        #: the HMAC key new rows are MACed with (``ROTH_LEDGER_HMAC_KEY_FILE``; set by
        #: ``open_store``); None: rows carry no MAC, refused on a keyed ledger
        self.key: LedgerKey | None = None
        #: the SQLite file's (device, inode) when ``open_store`` created it for this
        #: store (it did not exist before): :func:`ledger.store.open.discard_created`
        self.created: tuple[int, int] | None = None
        self._key_matched = False  # the ledger's key record is this key's (cached)
        self._sa_engine: Any = None  # see sqlalchemy_engine

    # --- the dialect's part ---------------------------------------------------------

    def row_encoder(self, recorded_by: str, recorded_at: datetime):
        raise NotImplementedError

    def _lock(self, conn: Connection) -> None:
        """Take the writer lock inside the open transaction (SQLite: BEGIN IMMEDIATE did)."""

    def _write(self, conn: Connection, batches: Sequence[EncodedBatch]) -> None:
        raise NotImplementedError

    def _count(self, batch: EncodedBatch) -> int:
        """How many rows an encoded batch holds."""
        return len(batch[3])

    def _cursor(self, dbapi, stream: bool, times_as_text: bool = False):
        """The driver's cursor for a read; ``times_as_text``: the caller reads every
        ``recorded_at`` through :meth:`_datetime` and :meth:`_before` (PostgreSQL may
        then hand over its text as the server wrote it)."""
        return dbapi.cursor()

    @contextmanager
    def _read_on(self, conn: Connection, stream: bool) -> Iterator[Any]:
        """The driver's connection for a read (:meth:`_reading`)."""
        yield conn.connection.driver_connection

    def _cutoff(self, known_on: date) -> Any:
        return _cutoff(known_on)

    def _datetime(self, value: Any) -> datetime:
        return utc(value)

    def _before(self, value: Any, cutoff: Any) -> bool:
        """Whether a stored ``recorded_at`` is before a :meth:`_cutoff`."""
        return value < cutoff

    def _date(self, value: Any) -> date | None:
        return value

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
        with translated(self.url, "write to", self._errors):
            try:
                with self._transaction() as conn:
                    self._append_checked(
                        conn, [(household, expected_version, events)], by=recorded_by, at=at
                    )
                    sql, params = self._select(_STORED, household=household, after=expected_version)
                    cursor = conn.connection.driver_connection.cursor()
                    try:
                        cursor.execute(sql, params)
                        return [self._stored(row) for row in cursor]
                    finally:
                        cursor.close()
            except self._integrity_error as exc:
                raise self._integrity(household, expected_version, events, exc) from None

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
        with translated(self.url, "write to", self._errors):
            try:
                with self._transaction() as conn:
                    return self._append_checked(conn, batches, by=recorded_by, at=at)
            except self._integrity_error as exc:
                household, expected, events = batches[0]
                if len(batches) == 1:
                    raise self._integrity(household, expected, events, exc) from None
                raise self._integrity_many(batches, exc) from None

    def _append_checked(self, conn: Connection, batches, *, by: str, at: datetime) -> int:
        """Chain each batch after its household's head (read under the lock) and write."""
        heads = _heads(conn, [household for household, _, _ in batches], self.PARAM)
        encode = self.row_encoder(by, at)
        encoded = []
        for household, expected_version, events in batches:
            current, prev = heads.get(household, (0, GENESIS))
            if current != expected_version:
                raise ConcurrencyConflict(household, expected_version, current)
            encoded.append(encode(household, expected_version, prev, events))
        rows = sum(len(events) for _, _, events in batches)
        if rows >= BULK_ROWS:
            with self._inserting(conn):
                self._write(conn, encoded)
        else:
            self._write(conn, encoded)
        return rows

    @contextmanager
    def _inserting(self, conn: Connection) -> Iterator[None]:
        """Around a transaction's bulk inserts (SQLite sets its per-row insert triggers
        aside: :meth:`SqliteStore._inserting`)."""
        yield

    @contextmanager
    def bulk_import(self) -> Iterator[_BulkImport]:
        """See :meth:`ledger.store.api.EventStore.bulk_import`."""
        with translated(self.url, "write to", self._errors):
            try:
                with self._transaction() as conn, self._inserting(conn), self._bulk(conn) as bulk:
                    yield bulk
            except self._integrity_error as exc:  # a race the head checks did not see
                raise StoreError(
                    f"conflict: {describe(exc)}; nothing was stored, run the command again"
                ) from None

    @contextmanager
    def _bulk(self, conn: Connection) -> Iterator[_BulkImport]:
        """The writer of :meth:`bulk_import`'s open transaction (PostgreSQL keeps one COPY
        open: :meth:`PostgresStore._bulk`); the reference, :class:`_BulkImport`, reads
        the heads in the transaction and writes each call's rows on their own."""
        yield _BulkImport(self, conn)

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(immediate=True) as conn:
            with conn.begin():
                self._lock(conn)
                self._keying(conn)
                yield conn

    def _keying(self, conn: Connection) -> None:
        """Under the writer lock: refuse a write without the ledger's key (or with another
        key) on a keyed ledger; with a key on an unkeyed ledger, key it now (the record
        sealing every head, :func:`ledger.store.keyed.new_record`), in this transaction."""
        if self._key_matched:
            return
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.execute(_KEY_RECORDS)
            records = records_from(cursor.fetchall())
            problem = writing_problem(self.key, records)
            if problem is not None:
                raise StoreError(problem)
            if self.key is None:
                return
            if records:
                self._key_matched = True  # a record never goes away: no need to look again
                return
            cursor.execute("SELECT max(position) FROM events")
            since = (cursor.fetchone()[0] or 0) + 1
            cursor.execute(_ALL_HEADS)
            heads = {household: (version, digest) for household, version, digest in cursor}
            record = new_record(self.key, since, heads)
            p = self.PARAM
            cursor.execute(
                "INSERT INTO ledger_keys (fingerprint, since_position, sealed, mac, created_at) "
                f"VALUES ({p}, {p}, {p}, {p}, {p})",
                (
                    record.fingerprint,
                    record.since_position,
                    record.sealed,
                    record.mac,
                    self._stamp(datetime.now(UTC)),
                ),
            )
        finally:
            cursor.close()

    def _stamp(self, moment: datetime) -> Any:
        """A time as the driver writes a ``DateTime`` column."""
        return moment

    def _integrity_many(self, batches, exc):
        for household, expected, events in batches:
            problem = self._integrity(household, expected, events, exc)
            if isinstance(problem, DuplicateEventId) and problem.event_id != "?":
                return problem
        return ConcurrencyConflict(batches[0][0], batches[0][1], self.version(batches[0][0]))

    def _integrity(self, household, expected_version, events, exc):
        exc = getattr(exc, "orig", None) or exc  # the driver's error under SQLAlchemy's
        message = str(exc)
        constraint = getattr(getattr(exc, "diag", None), "constraint_name", None) or ""
        if "event_id" in constraint or "events.event_id" in message:
            taken = self.event_ids(household)
            for event in events:
                if event.id in taken:
                    return DuplicateEventId(household, event.id)
            return DuplicateEventId(household, "?")
        return ConcurrencyConflict(household, expected_version, self.version(household))

    # --- reading: one path -----------------------------------------------------------

    def _select(
        self,
        columns: str,
        *,
        household: str | None = None,
        event_id: str | None = None,
        known_on: date | None = None,
        after: int | None = None,
        start: str | None = None,
        stop: str | None = None,
        order: str = "household, version",
    ) -> tuple[str, list[Any]]:
        """One SELECT on ``events`` with the filters given, and its parameters."""
        p = self.PARAM
        where: list[str] = []
        params: list[Any] = []
        for condition, value in (
            (f"household = {p}", household),
            (f"event_id = {p}", event_id),
            (f"version > {p}", after),
            (f"household >= {p}", start),
            (f"household < {p}", stop),
            (f"recorded_at < {p}", None if known_on is None else self._cutoff(known_on)),
        ):
            if value is not None:
                where.append(condition)
                params.append(value)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return f"SELECT {columns} FROM events{clause} ORDER BY {order}", params

    @contextmanager
    def _reading(
        self,
        sql: str,
        params: Sequence[Any] = (),
        stream: bool = False,
        times_as_text: bool = False,
    ):
        """The rows of one SELECT, from the driver's cursor (streamed: a server-side cursor
        on PostgreSQL; SQLite's cursor steps through the statement as it is read). The
        statement sees one snapshot of the ledger throughout. ``times_as_text``: see
        :meth:`_cursor`."""
        with (
            translated(self.url, "read", self._errors),
            self.engine.connect() as conn,
            self._read_on(conn, stream) as dbapi,
        ):
            cursor = self._cursor(dbapi, stream, times_as_text)
            try:
                cursor.execute(sql, params)
                yield cursor
            finally:
                cursor.close()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._reading(sql, params) as rows:
            row = rows.fetchone()
        return None if row is None else row[0]

    def _stored(self, row: Sequence[Any]) -> StoredEvent:
        """A row of the ``_STORED`` columns as a StoredEvent."""
        position, household, version, event_id, kind, payload, at, by, prev_hash, hash_ = row
        try:
            recorded_at = self._datetime(at)
        except _UNREADABLE:
            raise Tampered(
                f"household {shown(household)}: event {shown(event_id)} (version {version}): "
                f"recorded_at {shown(at)} is not a time: the ledger was changed outside "
                "roth-ledger (run roth-ledger verify)"
            ) from None
        return StoredEvent(
            position=position,
            household=household,
            version=version,
            event=_event(kind, event_id, payload),
            recorded_at=recorded_at,
            recorded_by=by,
            prev_hash=prev_hash,
            hash=hash_,
        )

    def load(self, household: str, known_on: date | None = None) -> list[StoredEvent]:
        sql, params = self._select(_STORED, household=household, known_on=known_on)
        with self._reading(sql, params) as rows:
            return [self._stored(row) for row in rows]

    def load_events(self, household: str, known_on: date | None = None) -> list[Event]:
        """The household's events only, in version order (a report's read: three columns,
        no StoredEvent wrappers)."""
        sql, params = self._select(
            "event_id, kind, payload", household=household, known_on=known_on, order="version"
        )
        with self._reading(sql, params) as rows:
            return [_event(kind, event_id, payload) for event_id, kind, payload in rows]

    def load_checked(self, household: str, known_on: date | None = None) -> CheckedEvents:
        """One SELECT of the household's rows (every column, one snapshot): each row's
        version, ``prev_hash`` and hash checked and its payload decoded once, in one pass;
        the events recorded before ``known_on``'s cutoff are kept. At the first row that
        does not pass, the rows already read go through :meth:`verify`'s own check
        (:meth:`_checked_row`, :func:`check_chains`) so the problem is named exactly as
        ``verify`` names it. The dates and times of the hashed document are normalised
        as :meth:`_checked_row` does, once per distinct stored value (a cache)."""
        sql, params = self._select(_ROW_LIST, household=household, order="version")
        with self._reading(sql, params, times_as_text=True) as cursor:
            rows = cursor.fetchall()
        cutoff = None if known_on is None else self._cutoff(known_on)
        try:
            events = self._chain_events(household, rows)
            kept = rows
            if cutoff is not None:  # the events recorded before the cutoff
                before = self._before
                index = [i for i, row in enumerate(rows) if before(row[8], cutoff)]
                events = [events[i] for i in index]
                kept = [rows[i] for i in index]
        except (_NotPassed, *_UNREADABLE):
            problems = list(check_chains(self._checked_row(row) for row in rows))
            if problems:
                return CheckedEvents([], None, problems[0])
            return self._reference_checked(rows, cutoff)  # not reached: the checks agree
        return CheckedEvents(events, (kept[-1][2], kept[-1][11]) if kept else None)

    def _chain_events(self, household: str, rows: Sequence[Any]) -> list[Event]:
        """The events of one household's stored rows (in version order), each row's
        version, ``prev_hash``, hash and payload checked in one pass
        (:func:`~ledger.store.hashing.chain_reader`): the one check of :meth:`load_checked`
        and :meth:`iter_household_events`. Raises ``_NotPassed`` if a row does not pass."""
        events = self._read_chain(household, rows)
        if events is None:
            raise _NotPassed
        return events

    def _reference_checked(self, rows: Sequence[Any], cutoff: Any) -> CheckedEvents:
        """The events and head of rows :func:`check_chains` passed, decoded as
        :meth:`load_events` decodes them."""
        kept = [row for row in rows if cutoff is None or self._before(row[8], cutoff)]
        events = [_event(row[3], row[1], row[5]) for row in kept]
        return CheckedEvents(events, (kept[-1][2], kept[-1][11]) if kept else None)

    def _date_iso(self, value: Any) -> str:
        """A stored ``effective_date`` (not None) as the hashed document writes it."""
        day = self._date(value)
        if day is None:
            raise TypeError("no date")
        return day.isoformat()

    def _time_iso(self, value: Any) -> str:
        """A stored ``recorded_at`` as the hashed document writes it."""
        return iso_utc(self._datetime(value))

    def version(self, household: str) -> int:
        p = self.PARAM
        return self._one(f"SELECT max(version) FROM events WHERE household = {p}", [household]) or 0

    def households(self) -> list[str]:
        with self._reading("SELECT DISTINCT household FROM events ORDER BY household") as rows:
            return [household for (household,) in rows]

    def event_ids(self, household: str) -> set[str]:
        p = self.PARAM
        with self._reading(
            f"SELECT event_id FROM events WHERE household = {p}", [household]
        ) as rows:
            return {event_id for (event_id,) in rows}

    def find(self, event_id: str) -> list[StoredEvent]:
        sql, params = self._select(_STORED, event_id=event_id, order="position")
        with self._reading(sql, params) as rows:
            return [self._stored(row) for row in rows]

    def iter_households(
        self, known_on: date | None = None
    ) -> Iterator[tuple[str, list[StoredEvent]]]:
        """One ordered scan, streamed; memory bounded by one household."""
        sql, params = self._select(_STORED, known_on=known_on)
        with self._reading(sql, params, stream=True) as rows:
            household, batch = "", list[StoredEvent]()
            for row in rows:
                if row[1] != household:
                    if batch:
                        yield household, batch
                    household, batch = row[1], []
                batch.append(self._stored(row))
            if batch:
                yield household, batch

    def iter_household_events(
        self,
        known_on: date | None = None,
        start: str | None = None,
        stop: str | None = None,
    ) -> Iterator[tuple[str, list[Event]]]:
        """Like :meth:`iter_households` with the events only: no StoredEvent wrappers
        (the batch report's full rebuild). ``start``/``stop`` limit it to the households
        ``start <= id < stop`` (a share of a parallel batch). Each household's chain is
        checked on the rows read, as :meth:`load_checked` checks one household's: a
        changed row or an unreadable value yields a :class:`BrokenHousehold` naming the
        event (never a figure from it), and the others go on."""
        sql, params = self._select(_ROW_LIST, known_on=known_on, start=start, stop=stop)
        with self._reading(sql, params, stream=True) as rows:
            # one household's rows at a time, checked once they are all read
            for household, read in groupby(rows, _HOUSEHOLD):
                yield self._household_events(household, list(read))

    def _household_events(self, household: Any, rows: list[Any]) -> tuple[str, Any]:
        """(household, its events), or a :class:`BrokenHousehold` naming the first row
        that does not pass."""
        try:
            return household, self._chain_events(household, rows)
        except (_NotPassed, *_UNREADABLE):
            return household, BrokenHousehold(self._first_problem(rows))

    def _first_problem(self, rows: Sequence[Any]) -> str:
        """What :meth:`verify` says of the first broken row among ``rows`` (one
        household's, in version order), for a batch row."""
        for problem in check_chains(self._checked_row(row) for row in rows):
            reason = problem.reason.removesuffix(": the row was changed after it was recorded")
            return f"event {shown(problem.event_id)} (version {problem.version}): {reason}"
        return "a row that cannot be read"  # not reached: the checks agree

    def heads(
        self, households: Sequence[str] | None = None, known_on: date | None = None
    ) -> dict[str, tuple[int, str]]:
        """Each household's head (version, hash), as recorded by ``known_on``: one
        grouped query on the ``(household, version)`` index per chunk of households."""
        p = self.PARAM
        names = None if households is None else list(households)
        chunks = [None] if names is None else range(0, len(names), HEAD_CHUNK)
        heads: dict[str, tuple[int, str]] = {}
        for first in chunks:
            where: list[str] = []
            params: list[Any] = []
            if first is not None and names is not None:
                chunk = names[first : first + HEAD_CHUNK]
                if not chunk:
                    continue
                where.append(f"household IN ({', '.join([p] * len(chunk))})")
                params.extend(chunk)
            if known_on is not None:
                where.append(f"recorded_at < {p}")
                params.append(self._cutoff(known_on))
            clause = f" WHERE {' AND '.join(where)}" if where else ""
            sql = (
                "SELECT e.household, e.version, e.hash FROM events e JOIN "
                f"(SELECT household, max(version) AS v FROM events{clause} GROUP BY household) t "
                "ON e.household = t.household AND e.version = t.v"
            )
            with self._reading(sql, params) as rows:
                for household, version, hash_ in rows:
                    heads[household] = (version, hash_)
        return heads

    def size(self) -> int:
        """About how many events the ledger holds (the last global position: instant)."""
        return self._one("SELECT max(position) FROM events") or 0

    def household_shares(self, parts: int) -> list[tuple[str | None, str | None]]:
        """Cut at the households found at ``k/parts`` of the ordered event stream (each
        cut starts a household; fewer shares if households are few)."""
        total = self.size()
        cuts: list[str] = []
        sql = (
            f"SELECT household FROM events ORDER BY household, version LIMIT 1 OFFSET {self.PARAM}"
        )
        for k in range(1, max(parts, 1)):
            household = self._one(sql, [total * k // parts])
            if household is not None and (not cuts or household > cuts[-1]):
                cuts.append(household)
        bounds: list[str | None] = [None, *cuts, None]
        return list(zip(bounds[:-1], bounds[1:]))

    def verify(self, household: str | None = None) -> list[ChainProblem]:
        sql, params = self._select(_ROW_LIST, household=household)
        with translated(self.url, "verify", self._errors):
            with self._reading(sql, params, stream=True) as rows:
                return list(check_chains(self._checked_row(row) for row in rows))

    def _checked_row(self, row: Sequence[Any]) -> dict[str, Any]:
        """A stored row as :func:`check_chains` reads it; a value that cannot be read (a
        garbage ``recorded_at``, a payload that is not JSON, an unknown kind) makes the row
        ``unreadable`` -- tampering to report, never a traceback."""
        out = dict(zip(ROW_COLUMNS, row))
        try:
            out["effective_date"] = self._date(row[6])
        except (ValueError, TypeError):
            out["unreadable"] = f"effective_date {shown(row[6])} is not a date"
            return out
        try:
            out["recorded_at"] = self._datetime(row[8])
        except (ValueError, TypeError, AttributeError):
            out["unreadable"] = f"recorded_at {shown(row[8])} is not a time"
            return out
        for column, index in (("version", 2), ("schema_version", 4), ("tax_year", 7)):
            value = row[index]
            if type(value) is not int and not (value is None and column == "tax_year"):
                out["unreadable"] = not_whole(column, value)
                return out
        problem = _unreadable(out["kind"], out["event_id"], out["payload"])
        if problem is not None:
            out["unreadable"] = problem
        return out

    def hash_at(self, household: str, version: int) -> str | None:
        """The hash of a household's event at ``version`` (None: no such event)."""
        p = self.PARAM
        return self._one(
            f"SELECT hash FROM events WHERE household = {p} AND version = {p}",
            [household, version],
        )

    def schema_notes(self) -> list[str]:
        """See :meth:`ledger.store.api.EventStore.schema_notes` (none on SQLite: whoever
        may write the file may change anything in it)."""
        return []

    def key_state(self) -> tuple[str | None, str | None]:
        """See :meth:`ledger.store.api.EventStore.key_state`."""
        with translated(self.url, "verify", self._errors):
            with self._reading(_KEY_RECORDS) as rows:
                records = records_from(rows)
            keyed: str | None = records[0].fingerprint if records else None
            if keyed is None and self._one("SELECT 1 FROM events WHERE mac IS NOT NULL LIMIT 1"):
                keyed = "?"
        return keyed, None if self.key is None else self.key.fingerprint

    def mac_problems(self) -> list[str]:
        """See :meth:`ledger.store.api.EventStore.mac_problems`: one ordered scan."""
        if self.key is None:
            return []
        with translated(self.url, "verify", self._errors):
            with self._reading(_KEY_RECORDS) as rows:
                records = records_from(rows)
            sql, params = self._select("household, version, event_id, position, hash, mac")
            with self._reading(sql, params, stream=True) as rows:
                return check_macs(self.key, records, rows)

    def reopen(self) -> EventStore:
        """This ledger opened afresh for reading (a forked worker): a new read-only engine
        from the store's own URL object -- inherited by the fork, never rendered -- and no
        migration check."""
        store = type(self)(make_database(self.url, read_only=True), self.url)
        store.key = self.key
        return store

    def schema_problems(self) -> list[str]:
        """How the schema differs from what the migrations made (each dialect's store)."""
        raise NotImplementedError

    def sqlalchemy_engine(self) -> Any:
        """A SQLAlchemy engine on this ledger, with the same session settings, made on
        first use (the web desk's user tables: :mod:`ledger.store.users`); the event
        commands never need one, so never import SQLAlchemy."""
        if self._sa_engine is None:
            from .engine import make_engine

            self._sa_engine = make_engine(self.url, read_only=self.engine.read_only)
        return self._sa_engine

    def close(self) -> None:
        self.engine.dispose()
        if self._sa_engine is not None:
            self._sa_engine.dispose()


class _BulkImport:
    """The open transaction of :meth:`SqlStore.bulk_import`."""

    def __init__(self, store: SqlStore, conn: Connection):
        self.store, self.conn = store, conn

    def write(self, batches: Sequence[EncodedBatch]) -> int:
        if not batches:
            return 0
        found = _heads(self.conn, [b[0] for b in batches], self.store.PARAM)
        for household, version, prev_hash, _ in batches:
            current, head = found.get(household, (0, GENESIS))
            if (current, head) != (version, prev_hash):
                raise ConcurrencyConflict(household, version, current)
        self.store._write(self.conn, batches)
        return sum(self.store._count(b) for b in batches)


class _CopyImport(_BulkImport):
    """PostgreSQL's bulk import: ONE ``COPY ... FROM STDIN`` open from the first write to
    the end of the transaction (:meth:`close`), so the server inserts a chunk's rows
    while this process waits for the next one -- not a COPY started and finished (a
    round trip that waits for every row to be inserted) per chunk, with a heads query
    before each. A statement cannot run on a connection inside a COPY, so the heads are
    known otherwise, with what the reference (:class:`_BulkImport`: read in the
    transaction before each write) would read:

    * a household this import already wrote: the head its last rows end on (their
      version and hash: no other writer can add to it while the writer lock is held);
    * any other: as committed -- read in the transaction itself until the COPY opens
      (the first write's, as the reference reads them), then on another pooled
      connection (autocommit, :meth:`SqlStore.heads`): the same heads the transaction
      sees, since it holds the writer lock (every writer takes it before reading heads:
      no write can commit meanwhile) and none of its own rows is that household's: each
      write's new households', once -- or none at all when the ledger was empty at the
      first write (one instant ``max(position)``, read in the transaction: a first
      import opens no second connection, ~10-20 ms before its first row), every head
      then being GENESIS. (Reading every head at once instead costs more: ~54 ms for a
      31,000-event ledger, against ~0.07 ms a chunk's query.)

    ``UNIQUE(household, version)`` still turns a write that slips past the lock into a
    conflict, as for the reference -- at the COPY's end, so after the head checks of
    the writes that follow it (a stale one among them is then the error reported;
    either way nothing is stored)."""

    def __init__(self, store: SqlStore, conn: Connection):
        super().__init__(store, conn)
        self._heads: dict[str, tuple[int, str]] = {}  # households written: their new heads
        self._empty = False  # the ledger held no rows at the first write
        self._before = 0  # the ledger's last position at the first write
        self._rows = 0  # rows written
        self._first = True
        self._cursor: Any = None
        self._copying: Any = None  # cursor.copy()'s context, entered
        self._copy: Any = None  # the Copy it gave

    def write(self, batches: Sequence[EncodedBatch]) -> int:
        if not batches:
            return 0
        mine = self._heads
        here = self._copy is None  # no COPY open yet: this transaction can still read
        if self._first:
            self._first = False
            self._before = self._size_here() if here else self.store.size()
            self._empty = not self._before
        found: dict[str, tuple[int, str]] = {}
        if not self._empty:
            unknown = list(dict.fromkeys(b[0] for b in batches if b[0] not in mine))
            if unknown:
                found = (
                    _heads(self.conn, unknown, self.store.PARAM)
                    if here
                    else self.store.heads(unknown)
                )
        for household, version, prev_hash, _ in batches:
            current, head = mine.get(household) or found.get(household, (0, GENESIS))
            if (current, head) != (version, prev_hash):
                raise ConcurrencyConflict(household, version, current)
        copy = self._copy or self._open()
        rows = 0
        for household, version, _, text in batches:
            if not text:
                continue
            copy.write(text)
            last, digest = _last_row(text)
            rows += last - version
            mine[household] = (last, digest)
        self._rows += rows
        return rows

    def _size_here(self) -> int:
        """The ledger's last position, read in this transaction (before the COPY opens:
        what :meth:`SqlStore.size` reads on another connection, the writer lock held)."""
        return self.conn.exec_driver_sql("SELECT max(position) FROM events").scalar() or 0

    def _open(self) -> Any:
        store = self.store
        self._cursor = self.conn.connection.driver_connection.cursor()
        self._copying = self._cursor.copy(_PG_COPY if store.key is None else _PG_KEYED_COPY)
        self._copy = self._copying.__enter__()
        return self._copy

    def close(self, exc: BaseException | None) -> None:
        """End the COPY (if one was opened): its rows are in once this returns, and the
        planner's statistics refreshed if the import made the ledger much larger
        (:func:`analyze_after`); with ``exc``, abandon it (the transaction is then
        rolled back)."""
        copy, cursor, self._copying, self._copy = self._copying, self._cursor, None, None
        if copy is None:
            return
        self._cursor = None
        try:
            if exc is None:
                copy.__exit__(None, None, None)
                if analyze_after(self._rows, self._before):
                    cursor.execute(_PG_ANALYZE)
            else:  # the error that ended the import is the one to report
                with suppress(*self.store._errors):
                    copy.__exit__(type(exc), exc, exc.__traceback__)
        finally:
            cursor.close()


#: the statistics a bulk import refreshes in its transaction (committed with its rows):
#: those of the ``(household, version)`` columns every read filters and orders by, and
#: the table's row and page counts. Without them, a fresh import's reads are planned
#: blind -- one household's report as a bitmap scan and a sort (0.25-0.31 ms here)
#: instead of a scan of the ``(household, version)`` index (0.13-0.18 ms) -- until
#: autovacuum's next ANALYZE. Cheap enough not to weigh on the import: two columns, on
#: a sample of 3,000 rows (``default_statistics_target`` 10 for this transaction; the
#: server's default 100 samples 30,000), which still counts the 1,000 households of a
#: 104,000-event ledger within 1% (991; 1,000 at target 30), and the household read is
#: planned as the index scan either way. At 104,000 events it takes 8 ms, against
#: 16-20 ms at target 30 (the import waits for it: the end of its transaction), and a
#: full ``ANALYZE events`` (the payloads' statistics too) 274 ms of backend CPU.
#: ``SKIP_LOCKED``: never a wait on a lock (an autovacuum at work) -- skipped then, with
#: the server's warning; a role that does not own the table gets the server's warning
#: and no ANALYZE: nothing fails either way. One round trip (a simple query of two
#: statements).
_PG_ANALYZE = (
    "SET LOCAL default_statistics_target = 10; ANALYZE (SKIP_LOCKED) events (household, version)"
)
#: ANALYZE after a bulk import that added at least this many rows...
ANALYZE_MIN_ROWS = 1000
#: ... and at least this share of the rows the ledger held before (autovacuum's own
#: default ``autovacuum_analyze_scale_factor``: it would ANALYZE soon, not at once)
ANALYZE_SHARE = 0.1


def analyze_after(added: int, before: int) -> bool:
    """Whether a bulk import that added ``added`` rows to a ledger of ``before`` (its last
    position: at least its rows) refreshes the planner's statistics."""
    return added >= ANALYZE_MIN_ROWS and added >= ANALYZE_SHARE * before


def _last_row(text: str) -> tuple[int, str]:
    """The ``version`` and ``hash`` (the 3rd and 12th fields: :data:`ROW_COLUMNS`) of the
    last line of a batch's COPY text (not empty; escaped values hold no raw tab or
    newline): the head the batch ends on. Its versions follow the expected one, one a
    line, so the version also says how many lines it has (no count of the text)."""
    fields = text[text.rfind("\n", 0, len(text) - 1) + 1 : -1].split("\t", 12)
    return int(fields[2]), fields[11]


# --- SQLite ---------------------------------------------------------------------------

#: how a ``DateTime`` column is stored on SQLite (SQLAlchemy's format; UTC, no offset)
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"
_SQLITE_INSERT = f"INSERT INTO events ({_ROW_LIST}) VALUES ({', '.join('?' * len(ROW_COLUMNS))})"
_SQLITE_KEYED_INSERT = (
    f"INSERT INTO events ({_KEYED_LIST}) VALUES ({', '.join('?' * (len(ROW_COLUMNS) + 1))})"
)
#: migration 0003's two ``BEFORE INSERT`` triggers (name, statement), which refuse an
#: insert that would replace a stored event, as the head schema records them (the text
#: SQLite stores): :meth:`SqliteStore._inserting` sets them aside
SQLITE_NO_REPLACE_TRIGGERS = tuple(
    (statement.split()[2], statement)
    for statement in SQLITE_HEAD
    if statement.startswith("CREATE TRIGGER events_no_replace_")
)
#: how they are stored
_NO_REPLACE_STORED = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events' "
    f"AND name IN ({', '.join('?' * len(SQLITE_NO_REPLACE_TRIGGERS))})"
)


class SqliteStore(SqlStore):
    """A SQLite ledger (a file, or an in-memory database this process alone sees).

    Rows are tuples in :data:`ROW_COLUMNS` order with dates as SQLite stores them
    (``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM:SS.ffffff`` UTC), written by one ``executemany``."""

    def __init__(self, engine: Database, url: URL):
        super().__init__(engine, url)
        on_file = sqlite_file(url) is not None
        self.capabilities = Capabilities(reopen_in_fork=on_file, concurrent_import=on_file)

    def schema_problems(self) -> list[str]:
        """Whether ``events``, its constraints and its append-only triggers are the ones the
        migrations made: a table renamed away and copied back, a dropped or altered
        trigger, a lost UNIQUE constraint is tampering (``verify`` reports it)."""
        problems = []
        with translated(self.url, "verify", self._errors):
            with self._reading(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name IN ('events', 'ledger_keys')"
            ) as rows:
                found = {name: _normal(sql) for name, sql in rows}
            with self._reading("PRAGMA index_list(events)") as rows:
                unique = [name for _, name, is_unique, *_ in rows if is_unique]
            keys = set()
            for name in unique:
                with self._reading(f"PRAGMA index_info('{name}')") as rows:
                    keys.add(tuple(column for *_, column in rows))
        for name, sql in _expected_triggers("sqlite").items():
            if name not in found:
                problems.append(f"the append-only trigger {name} is missing")
            elif found[name] != sql:
                problems.append(f"the append-only trigger {name} was changed")
        for columns in (("household", "version"), ("household", "event_id")):
            if columns not in keys:
                problems.append(f"UNIQUE({', '.join(columns)}) is missing from events")
        return problems

    def row_encoder(self, recorded_by: str, recorded_at: datetime) -> _SqliteEncoder:
        return _SqliteEncoder(recorded_by, recorded_at, self.key)

    @contextmanager
    def _inserting(self, conn: Connection) -> Iterator[None]:
        """Migration 0003's ``BEFORE INSERT`` triggers set aside for the inserts of this
        transaction, and put back before it commits.

        Each trigger runs a lookup per inserted row (about half the insert's CPU), and
        refuses only what a conflict clause (``INSERT OR REPLACE``, an upsert) would do to
        a stored event; the store's own plain ``INSERT`` is refused by the UNIQUE
        constraints anyway (:meth:`SqlStore._integrity` reads their message the same
        way). So, inside the transaction that holds the writer lock (``BEGIN
        IMMEDIATE``: no other connection can write meanwhile), the two triggers are
        dropped, and re-created with the very statements the migration ran (stored text
        identical, in the same order) once the inserts are done. DDL is transactional on
        SQLite: the drop is seen by this transaction alone -- a reader sees its
        snapshot, with the triggers -- and if the transaction does not commit (an error,
        a kill, a power cut) it rolls back with everything else, triggers included. On
        an error the body raises and nothing is re-created here: the transaction rolls
        back. The triggers are set aside only when both are stored exactly as the
        migration made them (otherwise, whatever is there stays, and ``verify`` reports
        a changed one): SQL read from the file is never run."""
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.execute(_NO_REPLACE_STORED, [name for name, _ in SQLITE_NO_REPLACE_TRIGGERS])
            aside = dict(cursor.fetchall()) == dict(SQLITE_NO_REPLACE_TRIGGERS)
            if aside:
                for name, _ in SQLITE_NO_REPLACE_TRIGGERS:
                    cursor.execute(f"DROP TRIGGER {name}")
        finally:
            cursor.close()
        yield
        if aside:
            cursor = conn.connection.driver_connection.cursor()
            try:
                for _, statement in SQLITE_NO_REPLACE_TRIGGERS:
                    cursor.execute(statement)
            finally:
                cursor.close()

    def _write(self, conn: Connection, batches: Sequence[EncodedBatch]) -> None:
        cursor = conn.connection.driver_connection.cursor()
        try:
            insert = _SQLITE_INSERT if self.key is None else _SQLITE_KEYED_INSERT
            cursor.executemany(insert, chain.from_iterable(b[3] for b in batches))
        finally:
            cursor.close()

    def _cutoff(self, known_on: date) -> str:
        return _cutoff(known_on).strftime(SQLITE_DATETIME)

    def _datetime(self, value: Any) -> datetime:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)

    def _date(self, value: Any) -> date | None:
        return None if value is None else date.fromisoformat(value)

    def _stamp(self, moment: datetime) -> str:
        return utc(moment).strftime(SQLITE_DATETIME)


class _SqliteEncoder:
    """SQLite's row builder (see :class:`SqliteStore`); plain data, so it can be forked.

    The rows are built by :func:`ledger.store.hashing.sqlite_rows` (each row's tuple in
    the loop that hashes it); ``shortcut=False`` builds them from :func:`chained`'s
    tuples, the reference a hypothesis test compares with."""

    def __init__(
        self,
        recorded_by: str,
        recorded_at: datetime,
        key: LedgerKey | None = None,
        shortcut: bool = True,
    ):
        self.by = recorded_by
        self.key = key
        self.at = utc(recorded_at)
        self.at_sqlite = self.at.strftime(SQLITE_DATETIME)
        self.at_iso = self.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        self.shortcut = shortcut

    def __call__(
        self, household: str, expected_version: int, prev_hash: str, events: Sequence[Event]
    ) -> EncodedBatch:
        at, by = self.at_sqlite, self.by
        if self.shortcut:
            rows = sqlite_rows(household, expected_version, prev_hash, events, by, self.at_iso, at)
        else:
            rows = self._reference_rows(household, expected_version, prev_hash, events)
        if self.key is not None:  # the MAC of each row's hash, as one more column
            mac = self.key.mac
            keyed: list[tuple] = [(*row, mac(row[11])) for row in rows]
            return household, expected_version, prev_hash, keyed
        return household, expected_version, prev_hash, rows

    def _reference_rows(
        self, household: str, expected_version: int, prev_hash: str, events: Sequence[Event]
    ) -> list[tuple]:
        at, by = self.at_sqlite, self.by
        return [
            (
                household,
                event.id,
                version,
                event.kind,
                SCHEMA_VERSION,
                payload,
                day,
                tax_year,
                at,
                by,
                prev,
                digest,
            )
            for version, event, payload, day, tax_year, prev, digest in chained(
                household, expected_version, prev_hash, events, by, self.at_iso
            )
        ]


# --- PostgreSQL -----------------------------------------------------------------------

_PG_COPY = f"COPY events ({_ROW_LIST}) FROM STDIN"
_PG_KEYED_COPY = f"COPY events ({_KEYED_LIST}) FROM STDIN"
_COPY_NULL = "\\N"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str) -> str:
    """``value`` as a field of COPY's text format (backslash, tab, newline, CR escaped)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_ESCAPES)
    return value


#: the append-only triggers on PostgreSQL (migrations 0001 and 0004)
_PG_APPEND_ONLY = (
    "events_no_update_delete",
    "events_no_truncate",
    "ledger_keys_no_update_delete",
    "ledger_keys_no_truncate",
)


class PostgresStore(SqlStore):
    """A PostgreSQL ledger (psycopg 3).

    Rows are COPY text (one string per household, lines in :data:`ROW_COLUMNS` order),
    written with one ``COPY events FROM STDIN`` per write; a streamed read is a
    server-side cursor fetching :data:`STREAM_BATCH` rows at a time."""

    PARAM = "%s"

    def __init__(self, engine: Database, url: URL):
        super().__init__(engine, url)
        self.capabilities = Capabilities(reopen_in_fork=True, concurrent_import=True)
        self._moments: dict[str, datetime] = {}  # see _datetime

    def schema_problems(self) -> list[str]:
        """As :meth:`SqliteStore.schema_problems`: the triggers of 0001 and 0004 present
        and enabled, their function unchanged, the table's constraints in place."""
        problems = []
        with translated(self.url, "verify", self._errors):
            with self._reading(
                "SELECT t.tgname, t.tgenabled FROM pg_trigger t "
                "WHERE t.tgrelid IN ('events'::regclass, 'ledger_keys'::regclass) "
                "AND NOT t.tgisinternal"
            ) as rows:
                found = dict(rows)
            with self._reading(
                "SELECT p.prosrc FROM pg_proc p WHERE p.proname = 'events_append_only' "
                "AND p.pronamespace = (SELECT relnamespace FROM pg_class "
                "WHERE oid = 'events'::regclass)"
            ) as rows:
                bodies = [_normal(body) for (body,) in rows]
            with self._reading(
                "SELECT conname FROM pg_constraint WHERE conrelid = 'events'::regclass"
            ) as rows:
                constraints = {name for (name,) in rows}
        for name in _PG_APPEND_ONLY:
            if name not in found:
                problems.append(f"the append-only trigger {name} is missing")
            elif found[name] not in ("O", "A"):
                problems.append(f"the append-only trigger {name} is disabled")
        function = _expected_triggers("postgresql")["events_append_only"]
        if bodies != [function]:
            problems.append("the append-only trigger function events_append_only was changed")
        for name in ("pk_events", "uq_events_household_version", "uq_events_household_event_id"):
            if name not in constraints:
                problems.append(f"the constraint {name} is missing from events")
        return problems

    def schema_notes(self) -> list[str]:
        """A role that owns ``events`` (or a superuser) can drop or disable the append-only
        triggers: the README's two roles keep the application from it."""
        with translated(self.url, "verify", self._errors):
            owner = self._one(
                "SELECT r.rolsuper OR pg_has_role(current_user, c.relowner, 'USAGE') "
                "FROM pg_class c, pg_roles r "
                "WHERE c.oid = 'events'::regclass AND r.rolname = current_user"
            )
        if not owner:
            return []
        return [
            "this role owns the events table (or is a superuser), so it could drop or "
            "disable the append-only triggers: run the commands as an application role "
            "that may only read and add events (README, PostgreSQL: two roles)"
        ]

    def row_encoder(self, recorded_by: str, recorded_at: datetime) -> _PostgresEncoder:
        return _PostgresEncoder(recorded_by, recorded_at, self.key)

    def _count(self, batch: EncodedBatch) -> int:
        return batch[3].count("\n")  # one line per row (newlines in values are escaped)

    def _lock(self, conn: Connection) -> None:
        conn.exec_driver_sql(PG_LOCK_SQL)

    def _append_checked(self, conn: Connection, batches, *, by: str, at: datetime) -> int:
        """:meth:`SqlStore._append_checked`, then the planner's statistics refreshed in the
        same transaction when the write made the ledger much larger (:func:`analyze_after`,
        as a bulk import does: :meth:`_CopyImport.close`) -- the one-process import
        (``append_many``, ``--jobs 1``) of a large ledger too. The ledger's last position
        is read (under the writer lock) only for a write of at least
        :data:`ANALYZE_MIN_ROWS` rows, so an ordinary append sends nothing more."""
        planned = sum(len(events) for _, _, events in batches)
        before = None
        if planned >= ANALYZE_MIN_ROWS:
            before = conn.exec_driver_sql("SELECT max(position) FROM events").scalar() or 0
        rows = super()._append_checked(conn, batches, by=by, at=at)
        if before is not None and analyze_after(rows, before):
            conn.exec_driver_sql(_PG_ANALYZE)
        return rows

    @contextmanager
    def _bulk(self, conn: Connection) -> Iterator[_BulkImport]:
        """:class:`_CopyImport`: one COPY from the first write to the end of the block."""
        bulk = _CopyImport(self, conn)
        try:
            yield bulk
        except BaseException as exc:
            bulk.close(exc)
            raise
        bulk.close(None)

    def _write(self, conn: Connection, batches: Sequence[EncodedBatch]) -> None:
        cursor = conn.connection.driver_connection.cursor()
        try:
            with cursor.copy(_PG_COPY if self.key is None else _PG_KEYED_COPY) as copy:
                for batch in batches:
                    copy.write(batch[3])
        finally:
            cursor.close()

    def _cursor(self, dbapi, stream: bool, times_as_text: bool = False):
        if stream:
            cursor = dbapi.cursor(name=f"roth_ledger_scan_{os.getpid()}")
            cursor.itersize = STREAM_BATCH
        else:
            cursor = dbapi.cursor()
            if not times_as_text:
                return cursor
        if (dbapi.info.parameter_status("DateStyle") or "").startswith("ISO"):
            from psycopg.types.string import TextLoader

            # a scan's (or a household's checked read's) recorded_at as the server writes
            # it (ISO 8601 with its offset): read by _datetime once per distinct value,
            # not built into a datetime a row (about a fifth of psycopg's work on a row)
            cursor.adapters.register_loader("timestamptz", TextLoader)
        return cursor

    def _datetime(self, value: Any) -> datetime:
        """A stored ``recorded_at``: a datetime, or a streamed read's text (``_cursor``),
        parsed once per distinct text (a cache)."""
        if type(value) is not str:
            return utc(value)
        moment = self._moments.get(value)
        if moment is None:
            if len(self._moments) > MOMENTS_CACHE:
                self._moments.clear()
            moment = self._moments[value] = utc(datetime.fromisoformat(value))
        return moment

    def _before(self, value: Any, cutoff: datetime) -> bool:
        """A stored ``recorded_at`` (a datetime, or text: :meth:`_datetime`) before a
        cutoff (an aware datetime)."""
        return self._datetime(value) < cutoff

    def household_shares(self, parts: int) -> list[tuple[str | None, str | None]]:
        """The cuts of :meth:`SqlStore.household_shares` (the households at the same
        offsets ``k/parts`` of the ordered stream), read in one pass of a server-side
        cursor on the ``(household, version)`` index: ``MOVE`` to each offset, ``FETCH``
        one row. The reference's ``LIMIT 1 OFFSET n`` queries are each planned alone, and
        on a ledger without statistics (a fresh import; ``ANALYZE`` not run) PostgreSQL
        plans them as a scan and sort of the whole table, once per cut."""
        total = self.size()
        cuts: list[str] = []
        with self._reading(
            "SELECT household FROM events ORDER BY household, version", stream=True
        ) as rows:
            at = -1  # the offset of the row last fetched
            for k in range(1, max(parts, 1)):
                offset = total * k // parts
                if offset - at > 1:
                    rows.scroll(offset - at - 1)
                row = rows.fetchone()
                if row is None:
                    break
                at = offset
                if not cuts or row[0] != cuts[-1]:  # the database's order: no `>` needed
                    cuts.append(row[0])
        bounds: list[str | None] = [None, *cuts, None]
        return list(zip(bounds[:-1], bounds[1:]))

    @contextmanager
    def _read_on(self, conn: Connection, stream: bool) -> Iterator[Any]:
        """A read that is not streamed is one statement, which sees one snapshot on its
        own: it runs in autocommit, without the BEGIN and ROLLBACK round trips of a
        transaction around it (and a statement a connection runs again and again -- a
        household's report -- gets prepared by psycopg, which a ROLLBACK would forget).
        The connection goes back to the pool in its default mode (a transaction per
        use: the writes count on it), or, if it cannot be set back, is closed instead. A
        streamed read's server-side cursor needs its transaction."""
        if stream:
            yield conn.connection.driver_connection
            return
        with conn.autocommit() as dbapi:
            yield dbapi


class _PostgresEncoder:
    """PostgreSQL's row builder: COPY text lines (see :class:`PostgresStore`).

    A line is one f-string of the row's parts: the parts every row of the encoder shares
    (``recorded_at``, ``recorded_by``, the schema version) written once, the version and
    tax year as texts kept per number (:data:`NUMBER_TEXTS`: formatting an int was about
    a tenth of a row), and the event id and payload escaped only when they hold one of
    COPY's special characters (a payload is canonical JSON, which never holds a raw tab,
    newline or carriage return, but may hold a backslash). :func:`_reference_copy_lines`
    is the reference (a hypothesis test compares them, special characters included)."""

    def __init__(self, recorded_by: str, recorded_at: datetime, key: LedgerKey | None = None):
        self.by = recorded_by
        self.key = key
        self.at = utc(recorded_at)
        self.at_pg = self.at.strftime("%Y-%m-%d %H:%M:%S.%f+00")
        self.at_iso = self.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        self.tail = f"\t{self.at_pg}\t{_copy_text(self.by)}\t"
        self._numbers: dict[int, str] = {}  # version or tax year -> its text

    def __call__(
        self, household: str, expected_version: int, prev_hash: str, events: Sequence[Event]
    ) -> EncodedBatch:
        head = f"{_copy_text(household)}\t"
        schema, tail, null, escapes = f"\t{SCHEMA_VERSION}\t", self.tail, _COPY_NULL, _COPY_ESCAPES
        numbers = self._numbers
        if len(numbers) > NUMBER_TEXTS:
            numbers.clear()
        lines = []
        for version, event, payload, day, tax_year, prev, digest in chained(
            household, expected_version, prev_hash, events, self.by, self.at_iso
        ):
            event_id = event.id
            if "\\" in event_id or "\t" in event_id or "\n" in event_id or "\r" in event_id:
                event_id = event_id.translate(escapes)
            if "\\" in payload or "\t" in payload or "\n" in payload or "\r" in payload:
                payload = payload.translate(escapes)
            number = numbers.get(version) or _number_text(numbers, version)
            year = (
                null
                if tax_year is None
                else numbers.get(tax_year) or _number_text(numbers, tax_year)
            )
            lines.append(
                f"{head}{event_id}\t{number}\t{event.kind}{schema}{payload}\t"
                f"{null if day is None else day}\t{year}{tail}{prev}\t{digest}\n"
            )
        if self.key is not None:  # the MAC of each row's hash (its last field), one more field
            mac = self.key.mac
            lines = [f"{line[:-1]}\t{mac(line[-65:-1])}\n" for line in lines]
        return household, expected_version, prev_hash, "".join(lines)


#: how many numbers' texts an encoder keeps (versions and tax years; cleared beyond)
NUMBER_TEXTS = 65536


def _number_text(numbers: dict[int, str], number: int) -> str:
    """``str(number)``, kept in ``numbers``."""
    text = numbers[number] = str(number)
    return text


def _reference_copy_lines(
    household: str,
    expected_version: int,
    prev_hash: str,
    events: Sequence[Event],
    recorded_by: str,
    recorded_at: datetime,
    key: LedgerKey | None = None,
) -> str:
    """The COPY text of :class:`_PostgresEncoder`, each field escaped by :func:`_copy_text`
    and formatted in place (the reference)."""
    at = utc(recorded_at)
    at_pg = at.strftime("%Y-%m-%d %H:%M:%S.%f+00")
    head = f"{_copy_text(household)}\t"
    tail = f"\t{at_pg}\t{_copy_text(recorded_by)}\t"
    esc, null = _copy_text, _COPY_NULL
    lines = [
        f"{head}{esc(event.id)}\t{version}\t{event.kind}\t{SCHEMA_VERSION}\t{esc(payload)}\t"
        f"{null if day is None else day}\t{null if tax_year is None else tax_year}"
        f"{tail}{prev}\t{digest}\n"
        for version, event, payload, day, tax_year, prev, digest in chained(
            household, expected_version, prev_hash, events, recorded_by, iso_utc(at)
        )
    ]
    if key is not None:
        lines = [f"{line[:-1]}\t{key.mac(line[-65:-1])}\n" for line in lines]
    return "".join(lines)


# --- shared helpers -------------------------------------------------------------------


def _loads(text: str) -> Any:
    """A stored payload (canonical JSON: no surrounding whitespace) as a dict; the
    decoder's ``raw_decode`` skips ``json.loads``'s whitespace handling, per event."""
    value, end = _RAW_DECODE(text)
    if end != len(text):
        raise ValueError("trailing data after the JSON payload")
    return value


_RAW_DECODE = json.JSONDecoder().raw_decode


def _event(kind: str, event_id: str, payload: str) -> Event:
    """A stored row's event (every read decodes through here or through the one pass of
    :func:`~ledger.store.hashing.chain_reader`); a row that cannot be decoded is
    :class:`Tampered` (exit 6), never a traceback."""
    try:
        return from_payload(kind, event_id, _loads(payload))
    except _UNREADABLE:
        raise Tampered(
            f"event {shown(event_id)}: {_unreadable(kind, event_id, payload)}: the ledger was "
            "changed outside roth-ledger (run roth-ledger verify)"
        ) from None


class _NotPassed(Exception):
    """A row :meth:`SqlStore.load_checked`'s one pass does not pass."""


#: what decoding a changed row can raise
_UNREADABLE = (ValueError, KeyError, TypeError, AttributeError, ArithmeticError, RecursionError)


#: what a value stored where a whole number belongs is, for the message
_TYPE_NAMES = {float: "a float", str: "text", bytes: "a blob"}


def not_whole(column: str, value: object) -> str:
    """The problem of a row whose integer ``column`` holds ``value``, not an int:
    ``tax_year is 2018.25 (a float), not a whole number``."""
    kind = _TYPE_NAMES.get(type(value), f"a {type(value).__name__}")
    if isinstance(value, float):
        text = repr(value)
    elif isinstance(value, bytes):
        text = shown(value.decode("latin-1"))  # its bytes, quoted and cut short as text is
    else:
        text = shown(value)
    if text.startswith("a value of type"):
        return f"{column} is {kind}, not a whole number"
    return f"{column} is {text} ({kind}), not a whole number"


def _unreadable(kind: Any, event_id: Any, payload: Any) -> str | None:
    """Why a stored row's event cannot be decoded (None: it can)."""
    if kind not in KINDS:
        return f"unknown kind {shown(kind)}"
    try:
        value = _loads(payload) if isinstance(payload, str) else None
    except (ValueError, RecursionError):  # not JSON, or nested past the decoder's depth
        value = None
    if not isinstance(value, dict):
        return "the payload is not a JSON object"
    try:
        from_payload(kind, event_id, value)
    except _UNREADABLE as exc:
        return f"the payload cannot be read as {kind} ({type(exc).__name__})"
    return None


def _normal(sql: str) -> str:
    return " ".join(sql.split())


def _expected_triggers(dialect: str) -> dict[str, str]:
    """The trigger statements (PostgreSQL: the function body) the migrations made,
    normalised, by name: from their statements as :mod:`ledger.store.schema` recorded
    them (tests/store/test_schema.py: the same; no Alembic imported to read them)."""
    import re

    from .schema import head_statements

    out = {}
    for statement in head_statements(dialect):
        match = re.match(r"\s*CREATE (TRIGGER|FUNCTION) (\w+)", statement)
        if match is None:
            continue
        if match.group(1) == "FUNCTION":
            out[match.group(2)] = _normal(statement.split("$$")[1])
        else:
            out[match.group(2)] = _normal(statement)
    return out


def _heads(conn: Connection, households: list[str], p: str) -> dict[str, tuple[int, str]]:
    """Each household's (version, hash) head, in chunks of IN (...) queries."""
    heads: dict[str, tuple[int, str]] = {}
    cursor = conn.connection.driver_connection.cursor()
    try:
        for first in range(0, len(households), HEAD_CHUNK):
            chunk = households[first : first + HEAD_CHUNK]
            marks = ", ".join([p] * len(chunk))
            cursor.execute(
                "SELECT e.household, e.version, e.hash FROM events e JOIN "
                f"(SELECT household, max(version) AS v FROM events WHERE household IN ({marks}) "
                "GROUP BY household) t ON e.household = t.household AND e.version = t.v",
                chunk,
            )
            for household, version, hash_ in cursor:
                heads[household] = (version, hash_)
    finally:
        cursor.close()
    return heads


#: every household's head (the heads a key record seals)
_ALL_HEADS = (
    "SELECT e.household, e.version, e.hash FROM events e JOIN "
    "(SELECT household, max(version) AS v FROM events GROUP BY household) t "
    "ON e.household = t.household AND e.version = t.v"
)


def _cutoff(known_on: date) -> datetime:
    """The first instant (UTC) after the day ``known_on``."""
    return datetime.combine(known_on + timedelta(days=1), time(), tzinfo=UTC)


def open_sql_store(url: URL) -> SqlStore:
    """Open (and if needed migrate) the database at a resolved URL."""
    with translated(url, "open"):
        engine = make_database(url)
        try:
            ensure_head(engine)
        except BaseException:
            engine.dispose()
            raise
    return store_on(engine, url)


def store_on(engine: Database, url: URL) -> SqlStore:
    """The store for an open engine: :class:`SqliteStore` or :class:`PostgresStore`."""
    kind = SqliteStore if url.get_backend_name() == "sqlite" else PostgresStore
    return kind(engine, url)
