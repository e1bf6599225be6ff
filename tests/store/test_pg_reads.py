"""PostgreSQL's own read paths against the shared ones (``ledger.store.sql``): the batch's
household shares from one cursor equal the reference ``OFFSET`` queries' (gaps in the
positions included), a read that is one statement runs outside a transaction (no
BEGIN / ROLLBACK round trips) while a streamed read keeps its transaction, and sessions
read times in UTC (``datetime.UTC``: psycopg's fast path) unless the URL says otherwise."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy.engine import make_url

from ledger.store import open_store
from ledger.store.hashing import GENESIS
from ledger.store.sql import SqlStore

from .helpers import contributions

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_store(pg_schema_url):
    store = open_store(pg_schema_url)
    yield store
    store.close()


def test_household_shares_equal_the_reference(pg_store):
    sizes = {"a": 3, "b": 17, "c": 1, "d": 9, "e": 30, "f": 2, "g": 11}
    for household, n in sizes.items():
        pg_store.append(household, 0, contributions(household, n), "me")
    for parts in range(1, 12):
        assert pg_store.household_shares(parts) == SqlStore.household_shares(pg_store, parts)
    cuts = [start for start, _ in pg_store.household_shares(4)]
    assert cuts == [None, "b", "e"]  # rows 18, 36 and 54 of 73 (a 0-2, b 3-19, e 30-59)


def test_household_shares_after_a_gap_in_positions(pg_store):
    pg_store.append("a", 0, contributions("a", 5), "me")
    encode = pg_store.row_encoder("me", pg_store.load("a")[0].recorded_at)
    with pytest.raises(RuntimeError):  # rolled back: its positions are never used again
        with pg_store.bulk_import() as bulk:
            bulk.write([encode("z", 0, GENESIS, contributions("z", 40))])
            raise RuntimeError("a bad file further on")
    for household in ("b", "c", "d"):
        pg_store.append(household, 0, contributions(household, 5), "me")
    assert pg_store.size() == 60  # 20 events, positions 1-5 and 46-60
    for parts in range(1, 6):
        assert pg_store.household_shares(parts) == SqlStore.household_shares(pg_store, parts)
    seen = [
        h
        for start, stop in pg_store.household_shares(3)
        for h, _ in pg_store.iter_household_events(None, start, stop)
    ]
    assert seen == ["a", "b", "c", "d"]


def test_one_statement_reads_run_outside_a_transaction(pg_store):
    pg_store.append("a", 0, contributions("a", 3), "me")
    with pg_store._reading("SELECT count(*) FROM events") as rows:
        assert rows.fetchone()[0] == 3
        assert rows.connection.info.transaction_status == TransactionStatus.IDLE
    with pg_store._reading("SELECT household FROM events", stream=True) as rows:
        assert [h for (h,) in rows] == ["a"] * 3
        assert rows.connection.info.transaction_status == TransactionStatus.INTRANS
    # the pooled connection is handed out again as the default: transactions
    with pg_store.engine.connect() as conn:
        assert conn.connection.driver_connection.autocommit is False
    assert pg_store.load_checked("a").head == (3, pg_store.hash_at("a", 3))
    # the web desk's SQLAlchemy engine: no hstore lookup on connect
    assert pg_store.sqlalchemy_engine().dialect.use_native_hstore is False


def test_sessions_read_times_in_utc(pg_store, pg_schema_url):
    [stored] = pg_store.append("a", 0, contributions("a", 1), "me")
    with pg_store._reading("SHOW TimeZone") as rows:
        assert rows.fetchone()[0] == "UTC"
    [loaded] = pg_store.load("a")
    assert loaded == stored and loaded.recorded_at.tzinfo is UTC
    url = make_url(pg_schema_url)
    own = url.update_query_dict({"options": f"{url.query['options']} -c TimeZone=Asia/Kolkata"})
    other = open_store(own.render_as_string(hide_password=False))
    try:
        with other._reading("SELECT current_setting('TimeZone'), recorded_at FROM events") as rows:
            zone, at = rows.fetchone()
        assert zone == "Asia/Kolkata"  # the URL's own setting wins
        assert at.utcoffset().total_seconds() == 5.5 * 3600 and at == loaded.recorded_at
        [again] = other.load("a")
        assert again == loaded and other.verify() == []  # the same instant, the same hash
        assert other.load_checked("a") == pg_store.load_checked("a")
    finally:
        other.close()


@pytest.mark.parametrize("datestyle", [None, "SQL, DMY"])
def test_scans_read_recorded_at_as_text(pg_schema_url, datestyle):
    url = make_url(pg_schema_url)
    if datestyle is not None:  # the database's or the URL's style: sessions use ISO still
        url = url.update_query_dict(
            {"options": f"{url.query['options']} -c DateStyle={datestyle.replace(' ', '')}"}
        )
    store = open_store(url.render_as_string(hide_password=False))
    try:
        store.append("a", 0, contributions("a", 3), "me")
        store.append("b", 0, contributions("b", 2), "me")
        store.append("a", 3, contributions("c", 1), "later")
        with store._reading("SELECT recorded_at FROM events", stream=True) as rows:
            assert {type(at) for (at,) in rows} == {str}  # as the server writes it
        with store._reading("SELECT current_setting('DateStyle'), now()") as rows:
            style, now = rows.fetchone()
        assert style.startswith("ISO") and isinstance(now, datetime)
        loaded = store.load("a") + store.load("b")
        assert [s for _, stored in store.iter_households() for s in stored] == loaded
        assert all(s.recorded_at.tzinfo is UTC for s in loaded)
        assert [e for _, events in store.iter_household_events() for e in events] == [
            s.event for s in loaded
        ]
        assert store.verify() == []
    finally:
        store.close()


def _traced_connections(monkeypatch, tmp_path):
    """Every psycopg connection the store opens from now on writes libpq's protocol
    trace (the messages it sends and receives) to a file: the list of those files."""
    import psycopg
    from psycopg import pq

    connect = psycopg.connect
    traces: list = []

    def traced(*args, **kwargs):
        conn = connect(*args, **kwargs)
        out = open(tmp_path / f"trace{len(traces)}.txt", "w")  # noqa: SIM115 (kept open)
        traces.append(out)
        conn.pgconn.trace(out.fileno())
        conn.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        return conn

    monkeypatch.setattr(psycopg, "connect", traced)
    return traces


def _sent_queries(traces) -> list[str]:
    """The statements sent (simple ``Query`` and extended ``Parse``), in order."""
    sent = []
    for out in traces:
        out.flush()
        for line in open(out.name):
            parts = line.rstrip("\n").split("\t")
            if len(parts) > 3 and parts[0] == "F" and parts[2] in ("Query", "Parse"):
                sent.append(parts[3])
    return sent


def test_opening_and_a_report_begin_no_transaction(pg_schema_url, monkeypatch, tmp_path):
    """Opening a ledger (read-only or not) reads its revision in two statements and a
    report's read is one: no BEGIN, no ROLLBACK (each a round trip) around them."""
    store = open_store(pg_schema_url)
    store.append("a", 0, contributions("a", 3), "me")
    store.close()
    traces = _traced_connections(monkeypatch, tmp_path)
    for read_only in (True, False):
        store = open_store(pg_schema_url, read_only=read_only)
        try:
            assert store.load_checked("a").head == (3, store.hash_at("a", 3))
        finally:
            store.close()
    sent = _sent_queries(traces)
    assert len(traces) == 2 and len(sent) == 8, sent
    assert not [s for s in sent if "BEGIN" in s or "ROLLBACK" in s], sent
    assert sum("alembic_version" in s for s in sent) == 4  # pg_class, then the version
    for out in traces:
        out.close()


def test_revision_read_in_autocommit_equals_the_transactional_read(pg_schema_url):
    """The reference: the same reads in a transaction (an empty schema, a foreign
    table, a ledger), and a connection handed back in its default mode."""
    from ledger.store.dbapi import make_database
    from ledger.store.migrate import ensure_head, revision_of
    from ledger.store.open import has_tables
    from ledger.store.schema import HEAD_REVISION
    from ledger.store.urls import resolve

    database = make_database(resolve(pg_schema_url))
    try:

        def both() -> list[tuple]:
            found = []
            for autocommit in (True, False):
                with database.connect() as conn:
                    if autocommit:
                        with conn.autocommit() as driver:
                            seen = (revision_of(conn), has_tables(conn))
                            assert driver.info.transaction_status == TransactionStatus.IDLE
                    else:
                        seen = (revision_of(conn), has_tables(conn))
                        assert conn.in_transaction()
                    found.append(seen)
            with database.connect() as conn:
                assert conn.connection.driver_connection.autocommit is False
            return found

        assert both() == [(None, False)] * 2
        with database.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE other_app (x int)")
        assert both() == [(None, True)] * 2
        ensure_head(database)
        assert both() == [(HEAD_REVISION, True)] * 2
    finally:
        database.dispose()


def test_a_household_read_takes_recorded_at_as_text(pg_schema_url):
    """``load_checked`` reads each ``recorded_at`` as the server writes it (parsed once
    per distinct text, the datetime built only where a cutoff needs it): the same
    events, head and cutoffs as the reference read (``hashing.load_checked``) and as a
    session in another time zone, whose texts carry another offset; whole seconds (no
    fraction written) and microseconds alike."""
    from datetime import date, timedelta

    from ledger.store import hashing

    from .helpers import contribution

    times = [
        datetime(2024, 3, 1, 12, 0, tzinfo=UTC),  # written without a fraction
        datetime(2024, 3, 1, 23, 59, 59, 999999, tzinfo=UTC),  # the next day in Kolkata
        datetime(2025, 6, 1, 9, 30, 15, 123456, tzinfo=UTC),
    ]
    store = open_store(pg_schema_url)
    url = make_url(pg_schema_url)
    own = url.update_query_dict({"options": f"{url.query['options']} -c TimeZone=Asia/Kolkata"})
    other = open_store(own.render_as_string(hide_password=False))
    try:
        version = 0
        for i, at in enumerate(times):
            events = [contribution(f"e{i}{j}", year=2020 + i) for j in range(2)]
            store.append("a", version, events, "me", recorded_at=at)
            version += len(events)
        with store._reading("SELECT recorded_at FROM events", times_as_text=True) as rows:
            texts = [at for (at,) in rows]
        assert [type(at) for at in texts] == [str] * 6 and texts[0] == "2024-03-01 12:00:00+00"
        with other._reading("SELECT recorded_at FROM events", times_as_text=True) as rows:
            assert [at for (at,) in rows][0] == "2024-03-01 17:30:00+05:30"
        with store._reading("SELECT recorded_at FROM events") as rows:
            assert {type(at) for (at,) in rows} == {datetime}  # other reads: unchanged
        days = [None] + [at.date() + timedelta(days=d) for at in times for d in (-1, 0, 1)]
        for known_on in days:
            fast = store.load_checked("a", known_on)
            assert fast == hashing.load_checked(store, "a", known_on)
            assert other.load_checked("a", known_on) == fast
            kept = [
                at for at in times for _ in range(2) if known_on is None or at.date() <= known_on
            ]
            assert len(fast.events) == len(kept)
        assert store.load_checked("a", date(2024, 3, 1)).head == (4, store.hash_at("a", 4))
    finally:
        other.close()
        store.close()
