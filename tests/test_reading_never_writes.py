"""Reading never writes (issue 12 item 2, issue 14 item 6): a reading command opens the
ledger read-only, so a mistyped --db creates nothing, another application's database
gets no tables, a read-only ledger can be read; the ledger path is never followed
through a dangling symbolic link; a ledger others can read is named with the fix."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import uuid
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "ledger" / "examples" / "astra-2022.yaml"
READING = [
    ["households"],
    ["events", "-H", "astra"],
    ["export", "-H", "astra"],
    ["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022"],
    ["report", "batch", "-y", "2022"],
    ["plan", "ladder", "-H", "astra", "-p", "p"],
    ["verify"],
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("argv", READING, ids=" ".join)
def test_mistyped_db_path_creates_nothing(run, tmp_path, argv):
    missing = tmp_path / "typo" / "ledgr.db"
    result = run("--db", missing, *argv)
    assert result.exit_code == 3
    assert f"no ledger at {missing}" in result.output
    assert not (tmp_path / "typo").exists()


def test_import_dry_run_on_a_new_ledger_creates_nothing(run, tmp_path):
    missing = tmp_path / "new" / "ledger.db"
    result = run("--db", missing, "import", "--dry-run", EXAMPLE)
    assert result.exit_code == 0, result.output
    assert "would import 12 events" in result.output
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("argv", READING, ids=" ".join)
def test_foreign_sqlite_database_gets_no_tables(run, tmp_path, argv):
    other = tmp_path / "other-app.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (x TEXT)")
    before = _digest(other)
    result = run("--db", other, *argv)
    assert result.exit_code == 5
    assert "is not a roth-ledger ledger" in result.output
    assert _digest(other) == before
    with sqlite3.connect(other) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
    assert names == ["notes"]


def test_reading_commands_leave_the_ledger_file_unchanged(run, tmp_path):
    db = tmp_path / "ledger.db"
    assert run("--db", db, "import", EXAMPLE).exit_code == 0
    with sqlite3.connect(db) as conn:  # fold the WAL into the file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = _digest(db)
    for argv in READING:
        result = run("--db", db, *argv)
        assert result.exit_code == 0, (argv, result.output)
    assert _digest(db) == before


def test_read_only_connection_cannot_write(tmp_path):
    """The engine a reading command gets refuses writes, even as root."""
    from sqlalchemy import text

    from ledger.store import open_store

    db = tmp_path / "ledger.db"
    open_store(str(db)).close()
    store = open_store(str(db), read_only=True)
    try:
        with pytest.raises(Exception, match="readonly|read-only|read only"):
            with store.engine.begin() as conn:  # the store's own connection layer
                conn.exec_driver_sql("CREATE TABLE sneaky (x)")
        with pytest.raises(Exception, match="readonly|read-only|read only"):
            with store.sqlalchemy_engine().begin() as conn:  # the web desk's engine
                conn.execute(text("CREATE TABLE sneaky (x)"))
    finally:
        store.close()


def test_read_only_file_is_readable(run, tmp_path):
    db = tmp_path / "ledger.db"
    assert run("--db", db, "import", EXAMPLE).exit_code == 0
    db.chmod(0o400)
    try:
        result = run("--db", db, "report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022")
        assert result.exit_code == 0, result.output
        assert "48,000.00" in result.output
    finally:
        db.chmod(0o600)


def test_dangling_symlink_ledger_is_refused(run, tmp_path):
    target = tmp_path / "elsewhere" / "ledger.db"
    link = tmp_path / "ledger.db"
    link.symlink_to(target)
    result = run("--db", link, "import", EXAMPLE)
    assert result.exit_code == 5
    assert "symbolic link to a missing file" in result.output
    assert not target.exists() and not target.parent.exists()
    result = run("--db", link, "households")
    assert result.exit_code == 3 and "no ledger at" in result.output


def test_ledger_readable_by_others_is_warned(run, tmp_path):
    db = tmp_path / "ledger.db"
    assert run("--db", db, "import", EXAMPLE).exit_code == 0
    assert "warning" not in run("--db", db, "households").output
    db.chmod(0o644)
    result = run("--db", db, "households")
    assert result.exit_code == 0
    assert f"chmod 600 {db}" in result.output


@pytest.mark.postgres
def test_postgres_reading_commands_create_no_tables(run, pg_url):
    from sqlalchemy import create_engine, text

    def tables():
        engine = create_engine(pg_url)
        try:
            with engine.connect() as conn:
                query = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
                return conn.execute(text(query)).scalar()
        finally:
            engine.dispose()

    assert tables() == 0
    for argv in READING:
        result = run("--db", pg_url, *argv)
        assert result.exit_code == 3, (argv, result.output)
        assert "no ledger at" in result.output
    assert tables() == 0
    assert run("--db", pg_url, "import", EXAMPLE).exit_code == 0
    assert run("--db", pg_url, "households").output.strip() == "astra"


@pytest.fixture
def pg_url():
    base = os.environ.get("ROTH_LEDGER_TEST_PG")
    if not base:
        pytest.skip("ROTH_LEDGER_TEST_PG not set")
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()
