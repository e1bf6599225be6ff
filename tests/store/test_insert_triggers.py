"""Migration 0003's ``BEFORE INSERT`` triggers (no side door) and the SQLite bulk write.

A bulk insert sets the two triggers aside inside its own ``BEGIN IMMEDIATE`` transaction
and puts them back, with the migration's own statements, before it commits
(``SqliteStore._inserting``): its plain INSERT is refused by the UNIQUE constraints
anyway, and each trigger costs a lookup per row. Here: outside that transaction the
ledger is exactly as before -- after an import that lands, one that fails and one that is
killed, the triggers are stored with the same text, a REPLACE is still refused and
``verify`` is clean; meanwhile no other connection can write and a reader sees the
triggers; triggers not stored exactly as the migration made them are left alone."""

from __future__ import annotations

import contextlib
import multiprocessing
import sqlite3
from datetime import UTC, datetime

import pytest

from ledger.errors import InvalidInput
from ledger.store import DuplicateEventId, open_store
from ledger.store.hashing import GENESIS
from ledger.store.sql import BULK_ROWS, SQLITE_NO_REPLACE_TRIGGERS

from ..test_import_parallel import write_households
from . import workers
from .helpers import contribution, contributions
from .test_side_door import SIDE_DOORS

AT = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
NAMES = [name for name, _ in SQLITE_NO_REPLACE_TRIGGERS]


def _triggers(db) -> list[tuple[str, str, str]]:
    """The ledger's triggers (name, table, SQL), in the order SQLite keeps them."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY rowid"
        ).fetchall()
    finally:
        conn.close()


def _as_made(db) -> None:
    """The triggers are those the migrations made, 0003's in its order; REPLACE and the
    other side doors are refused; the chain and the schema verify."""
    found = _triggers(db)
    stored = {name: sql for name, _, sql in found}
    assert [(name, stored.get(name)) for name in NAMES] == list(SQLITE_NO_REPLACE_TRIGGERS)
    order = [name for name, _, _ in found]
    assert order.index(NAMES[0]) < order.index(NAMES[1])
    for statement in SIDE_DOORS:
        conn = sqlite3.connect(db)
        try:
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(statement)
        finally:
            conn.rollback()
            conn.close()
    store = open_store(str(db))
    try:
        assert store.schema_problems() == [] and store.verify() == []
    finally:
        store.close()


@contextlib.contextmanager
def _writing(store):
    """A bulk import that has written household b's rows: the names of the objects its
    own transaction sees."""
    encode = store.row_encoder("importer", AT)
    with store.bulk_import() as bulk:
        bulk.write([encode("b", 0, GENESIS, contributions("b", 5))])
        yield {n for (n,) in bulk.conn.exec_driver_sql("SELECT name FROM sqlite_master")}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "ledger.db"
    store = open_store(str(path))
    try:
        store.append("a", 0, contributions("a", 3), "me")
    finally:
        store.close()
    return path


def test_the_statements_set_aside_are_the_migrations():
    import importlib

    made = importlib.import_module("migrations.versions.0003_no_side_door").SQLITE_TRIGGERS
    assert NAMES == ["events_no_replace_id", "events_no_replace_version"]
    assert tuple(sql for _, sql in SQLITE_NO_REPLACE_TRIGGERS) == made


def test_set_aside_inside_the_bulk_import_only(db):
    before = _triggers(db)
    store = open_store(str(db))
    try:
        with _writing(store) as own:
            assert not own & set(NAMES)  # this transaction inserts without them
            assert _triggers(db) == before  # a reader sees its snapshot: the triggers
            other = sqlite3.connect(db, timeout=0)
            try:  # and no other connection can write meanwhile
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute(SIDE_DOORS[0])
            finally:
                other.close()
    finally:
        store.close()
    assert sorted(_triggers(db)) == sorted(before)
    _as_made(db)


def test_after_a_parallel_import_that_lands_and_one_that_fails(db, tmp_path):
    from ledger.app.importing import import_files

    store = open_store(str(db))
    try:
        paths = write_households(tmp_path / "good", 0, 4, 60)
        results = import_files(store, paths, "tester", jobs=2, recorded_at=AT)
        assert sum(r.added for r in results) > 200
        _as_made(db)
        bad = write_households(tmp_path / "bad", 10, 4, 60)
        bad[-1].write_text(bad[-1].read_text().replace('"events": [', '"events": [7, ', 1))
        rows = store.size()
        with pytest.raises(InvalidInput):
            import_files(store, bad, "tester", jobs=2, recorded_at=AT)
        assert store.size() == rows
    finally:
        store.close()
    _as_made(db)


def test_a_failed_bulk_import_and_a_large_append(db):
    store = open_store(str(db))
    encode = store.row_encoder("importer", AT)
    try:
        with pytest.raises(RuntimeError):
            with store.bulk_import() as bulk:
                bulk.write([encode("b", 0, GENESIS, contributions("b", 5))])
                raise RuntimeError("a bad file further on")
        _as_made(db)
        # an append of many rows takes the same path; a taken id is still named
        events = contributions("big", BULK_ROWS)
        with pytest.raises(DuplicateEventId) as taken:
            store.append_many([("c", 0, events), ("a", 3, [*events[:2], contribution("a1")])], "me")
        assert taken.value.event_id == "a1"
        _as_made(db)
        store.append_many([("c", 0, events)], "me")
        assert store.version("c") == BULK_ROWS
    finally:
        store.close()
    _as_made(db)


def test_after_an_import_killed_while_they_are_set_aside(db):
    before = _triggers(db)
    ctx = multiprocessing.get_context("spawn")
    mine, theirs = ctx.Pipe()
    child = ctx.Process(target=workers.bulk_import_held, args=(str(db), "k", 300, theirs))
    child.start()
    try:
        assert mine.poll(60), "the child never wrote"
        seen = mine.recv()
        assert not set(seen) & set(NAMES), seen  # killed while they were set aside
    finally:
        child.kill()  # SIGKILL: no cleanup, no rollback from the child
        child.join()
    assert _triggers(db) == before
    _as_made(db)
    store = open_store(str(db))
    try:
        assert store.households() == ["a"]
    finally:
        store.close()


def test_triggers_not_as_made_are_left_alone(db):
    changed = SQLITE_NO_REPLACE_TRIGGERS[1][1].replace("position = NEW.position OR ", "")
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute(f"DROP TRIGGER {NAMES[1]}")
    conn.execute(changed)
    conn.close()
    before = _triggers(db)
    store = open_store(str(db))
    try:
        with _writing(store) as own:
            assert set(NAMES) <= own  # not set aside: they stay for the inserts
        assert _triggers(db) == before
        assert store.schema_problems() == [f"the append-only trigger {NAMES[1]} was changed"]
    finally:
        store.close()
