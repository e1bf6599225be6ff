"""What only a real database shows: triggers, tampering, files, migrations, URLs."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import stat
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import DBAPIError

from ledger.events import payload_json
from ledger.store import StoreError, current, open_store, upgrade
from ledger.store.api import BadDatabaseUrl
from ledger.store.hashing import chain_hash
from ledger.store.migrate import script_head
from ledger.store.models import METADATA
from ledger.store.schema import HEAD_REVISION
from ledger.store.urls import default_path, resolve

from .conftest import Backend, pg_mark
from .helpers import contributions

REPO = Path(__file__).resolve().parents[2]


def raw(backend, *statements: str) -> None:
    """Run SQL on a connection of our own (not the store's)."""
    engine = create_engine(resolve(backend.url).sqlalchemy())
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


def untriggered(backend, *statements: str) -> None:
    """Tamper behind the program's back: switch the append-only triggers off first."""
    if backend.name == "sqlite":
        con = sqlite3.connect(backend.path)
        con.executescript(
            "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;" + ";".join(statements)
        )
        con.close()
    else:
        raw(backend, "ALTER TABLE events DISABLE TRIGGER USER", *statements)


def populated(backend):
    store = backend.open()
    store.append("a", 0, contributions("a", 3), "me")
    store.append("b", 0, contributions("b", 4), "me")
    return store


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET payload = '{}' WHERE version = 1",
        "UPDATE events SET recorded_by = 'mallory'",
        "DELETE FROM events WHERE version = 2",
        "DELETE FROM events",
    ],
)
def test_update_and_delete_are_refused_by_the_database(sql_backend, statement):
    store = populated(sql_backend)
    with pytest.raises(DBAPIError, match="append-only"):
        raw(sql_backend, statement)
    assert store.verify() == [] and store.version("a") == 3
    store.close()


@pg_mark
def test_truncate_is_refused_by_postgresql(pg_schema_url):
    """PostgreSQL only: SQLite has no TRUNCATE (its DELETE trigger is tested above)."""
    backend = Backend("postgres", pg_schema_url)
    store = populated(backend)
    with pytest.raises(DBAPIError, match="append-only"):
        raw(backend, "TRUNCATE events")
    assert store.version("b") == 4
    store.close()


def test_sqlite3_module_cannot_change_rows_either(tmp_path):
    path = tmp_path / "l.db"
    open_store(str(path)).append("a", 0, contributions("a", 2), "me")
    con = sqlite3.connect(path)
    for statement in ("UPDATE events SET payload = '{}'", "DELETE FROM events"):
        with pytest.raises(sqlite3.DatabaseError, match="events are append-only"):
            con.execute(statement)
    con.close()


def test_verify_names_an_edited_payload(sql_backend):
    store = populated(sql_backend)
    untriggered(
        sql_backend,
        """UPDATE events SET payload = replace(payload, '100.00', '900.00')
                                WHERE household = 'b' AND version = 2""",
    )
    [problem] = store.verify()
    assert (problem.household, problem.version, problem.event_id) == ("b", 2, "b1")
    assert "hash mismatch" in problem.reason and "'b1'" in str(problem)


def test_verify_names_the_event_after_a_deleted_row(sql_backend):
    store = populated(sql_backend)
    untriggered(sql_backend, "DELETE FROM events WHERE household = 'a' AND version = 2")
    [problem] = store.verify()
    assert (problem.household, problem.version, problem.event_id) == ("a", 3, "a2")
    assert "version 2 is missing" in problem.reason


def test_verify_catches_a_rehashed_row_at_the_next_link(sql_backend):
    store = populated(sql_backend)
    row = store.load("b")[1]  # version 2, re-hashed by a careful forger
    forged = {
        "household": "b",
        "version": 2,
        "event_id": "b1",
        "kind": "roth_contribution",
        "schema_version": 1,
        # a payload that still reads as the event (else the row itself is unreadable)
        "payload": payload_json(dataclasses.replace(row.event, amount=Decimal("1.00"))),
        "effective_date": None,
        "tax_year": None,
        "recorded_at": row.recorded_at,
        "recorded_by": "me",
    }
    new_hash = chain_hash(row.prev_hash, forged)
    untriggered(
        sql_backend,
        f"""UPDATE events SET payload = '{forged["payload"]}',
        effective_date = NULL, tax_year = NULL, hash = '{new_hash}'
        WHERE household = 'b' AND version = 2""",
    )
    [problem] = store.verify()
    assert (problem.version, problem.event_id) == (3, "b2") and "prev_hash" in problem.reason


def test_verify_reports_the_recorder_changed(sql_backend):
    store = populated(sql_backend)
    untriggered(
        sql_backend,
        "UPDATE events SET recorded_by = 'mallory' WHERE household = 'a' AND version = 1",
    )
    assert [(p.household, p.version) for p in store.verify()] == [("a", 1)]


def test_a_new_sqlite_file_is_owner_only(tmp_path):
    path = tmp_path / "new" / "dir" / "ledger.db"
    open_store(str(path)).append("a", 0, contributions("a", 1), "me")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for sidecar in path.parent.glob("ledger.db-*"):
        assert stat.S_IMODE(sidecar.stat().st_mode) & 0o077 == 0


def test_migrated_schema_has_no_drift_from_the_metadata(sql_backend):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    open_store(sql_backend.url).close()
    engine = create_engine(resolve(sql_backend.url).sqlalchemy())
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), METADATA)
    engine.dispose()
    assert diff == []


def test_head_revision_constant_matches_the_scripts():
    assert script_head() == HEAD_REVISION


def test_upgrade_and_current(sql_backend):
    if sql_backend.name == "sqlite":
        assert current(sql_backend.url) is None and not sql_backend.path.exists()
    assert upgrade(sql_backend.url) == HEAD_REVISION
    assert current(sql_backend.url) == HEAD_REVISION
    assert upgrade(sql_backend.url) == HEAD_REVISION  # idempotent


def test_upgrading_a_populated_database_keeps_every_row(sql_backend):
    """Every older revision: populate at it, upgrade to head, all rows still there."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from ledger.store.migrate import alembic_config

    older = [
        r.revision
        for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()
        if r.revision != HEAD_REVISION
    ]
    for revision in older:  # none yet while 0001 is the only revision
        engine = create_engine(resolve(sql_backend.url).sqlalchemy())
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), revision)
        engine.dispose()
    before = populated(sql_backend)
    rows = before.load("b")
    before.close()
    assert upgrade(sql_backend.url) == HEAD_REVISION
    after = open_store(sql_backend.url)
    assert after.load("b") == rows and after.verify() == []
    after.close()


@pytest.mark.parametrize(
    "url, message",
    [
        ("mysql://root@localhost/x", "unsupported database URL"),
        ("postgresql+asyncpg://u@h/db", "unsupported PostgreSQL driver"),
        ("postgresql://u:secret@127.0.0.1:1/db", "cannot open ledger database"),
    ],
)
def test_bad_urls_are_one_line_errors(url, message):
    with pytest.raises(StoreError) as info:
        open_store(url)
    text = str(info.value)
    assert message in text and "\n" not in text and "secret" not in text
    assert "Traceback" not in text and "sqlalche.me" not in text


@pytest.mark.parametrize(
    "query, reason",
    [
        ("timeout=x", "could not convert string to float: 'x'"),
        ("check_same_thread=maybe", "String is not true/false: 'maybe'"),
    ],
)
def test_a_sqlite_option_the_driver_cannot_take_is_bad_input(tmp_path, query, reason):
    """``?timeout=x`` was a ValueError traceback when the file was opened for writing;
    it is bad input (BadDatabaseUrl: exit 2), and no file is created."""
    url = f"sqlite:///{tmp_path / 'l.db'}?{query}"
    with pytest.raises(BadDatabaseUrl) as info:
        open_store(url)
    assert str(info.value) == f"cannot read database URL {url}: {reason}"
    assert not (tmp_path / "l.db").exists()


def test_unusable_files_are_one_line_errors(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"junk.db: file is not a database$"):
        open_store(str(junk))
    with pytest.raises(StoreError, match="it is a directory"):
        open_store(str(tmp_path))
    blocked = tmp_path / "ro"
    blocked.mkdir(mode=0o500)
    if os.geteuid() != 0:
        with pytest.raises(StoreError, match="cannot create"):
            open_store(str(blocked / "x.db"))


def test_url_resolution(monkeypatch, tmp_path):
    monkeypatch.delenv("ROTH_LEDGER_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "roth-ledger" / "ledger.db"
    assert resolve(None).database == str(tmp_path / "roth-ledger" / "ledger.db")
    monkeypatch.setenv("ROTH_LEDGER_DB", str(tmp_path / "env.db"))
    assert resolve(None).database == str(tmp_path / "env.db")
    assert resolve("~/x.db").database == str(Path.home() / "x.db")
    assert resolve("sqlite:////tmp/a.db").database == "/tmp/a.db"
    assert resolve("postgresql://u@h/db").drivername == "postgresql+psycopg"


def test_opening_a_migrated_database_does_not_import_alembic_or_sqlmodel(tmp_path):
    path = tmp_path / "l.db"
    open_store(str(path)).close()
    code = (
        "import sys; from ledger.store import open_store; "
        f"s = open_store({str(path)!r}); s.version('x'); s.close(); "
        f"s = open_store({str(path)!r}, read_only=True); s.load_checked('x'); s.close(); "
        "loaded = [m for m in ('alembic', 'sqlmodel', 'pydantic', 'sqlalchemy.orm') "
        "if m in sys.modules]; sys.exit(f'loaded: {loaded}' if loaded else 0)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_discard_created_removes_only_an_empty_file_this_open_created(tmp_path):
    """A refused command's cleanup (ledger.store.open.discard_created): the file the
    open created goes while nothing is stored in it; a file written into meanwhile, or
    one that existed before, stays."""
    from ledger.store.open import discard_created

    path = tmp_path / "new.db"
    assert discard_created(open_store(str(path))) is True
    assert list(tmp_path.iterdir()) == []
    store = open_store(str(path))
    other = open_store(str(path))  # another writer, on the file this open created
    other.append("a", 0, contributions("a", 1), "me")
    other.close()
    assert discard_created(store) is False and path.exists()
    reader = open_store(str(path), read_only=True)
    assert reader.load_events("a") != []
    reader.close()
    existed = tmp_path / "existed.db"
    existed.write_bytes(b"")
    assert discard_created(open_store(str(existed))) is False and existed.exists()
