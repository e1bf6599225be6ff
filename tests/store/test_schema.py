"""A new ledger's schema (``ledger.store.schema.create_head``) is the migrations' own.

The migrations stay the reference: the recorded DDL must be what ``alembic upgrade head``
sends to an empty database today, and a ledger created from it must be the same database
as one the migrations built -- every catalog row a reader, a trigger or a grant depends
on, and ``alembic_version``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from ledger.store import open_store
from ledger.store.engine import make_engine
from ledger.store.migrate import replay_migrations
from ledger.store.schema import HEAD_REVISION, head_statements
from ledger.store.urls import resolve

from .conftest import _fresh_schema, pg_base_url, pg_mark
from .record_schema import migrated_statements

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pg_mark)])
def two_empty(request, tmp_path) -> Iterator[tuple[str, str, str]]:
    """The dialect and two empty databases of it."""
    if request.param == "sqlite":
        yield "sqlite", str(tmp_path / "a.db"), str(tmp_path / "b.db")
        return
    base = pg_base_url()
    if base is None:
        pytest.skip("PostgreSQL tests need ROTH_LEDGER_TEST_PG")
    for a in _fresh_schema(base):
        for b in _fresh_schema(base):
            yield "postgresql", a, b


def test_recorded_ddl_is_what_the_migrations_issue(two_empty):
    dialect, url, _ = two_empty
    assert migrated_statements(url) == head_statements(dialect), (
        "the migrations changed: run `python -m tests.store.record_schema` and review the diff"
    )


def migrated_by_alembic(url: str) -> None:
    """The reference: the migrations, on an engine of the store's own settings."""
    engine = make_engine(resolve(url))
    try:
        with engine.begin() as conn:
            replay_migrations(conn)
    finally:
        engine.dispose()


SQLITE_CATALOG = (
    "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master ORDER BY rowid",
    "PRAGMA user_version",
    "PRAGMA application_id",
    "PRAGMA journal_mode",
    "PRAGMA auto_vacuum",
)

#: every query on the current schema only; names of the schema itself are taken out
PG_CATALOG = (
    """SELECT c.relname, c.relkind, pg_get_userbyid(c.relowner), c.relacl::text,
              c.relpersistence, c.relhastriggers
       FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace
       ORDER BY c.relname""",
    """SELECT table_name, ordinal_position, column_name, data_type, character_maximum_length,
              numeric_precision, datetime_precision, is_nullable, column_default, is_identity,
              collation_name
       FROM information_schema.columns WHERE table_schema = current_schema()
       ORDER BY table_name, ordinal_position""",
    """SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid),
              condeferrable, condeferred
       FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
       ORDER BY conrelid::regclass::text, conname""",
    """SELECT tablename, indexname, indexdef FROM pg_indexes
       WHERE schemaname = current_schema() ORDER BY tablename, indexname""",
    """SELECT tgrelid::regclass::text, tgname, tgtype, tgenabled, pg_get_triggerdef(oid)
       FROM pg_trigger WHERE NOT tgisinternal
         AND tgrelid IN (SELECT oid FROM pg_class
                         WHERE relnamespace = current_schema()::regnamespace)
       ORDER BY tgrelid::regclass::text, tgname""",
    """SELECT proname, prokind, prorettype::regtype::text, prosrc, proconfig::text,
              prosecdef, pg_get_userbyid(proowner), proacl::text
       FROM pg_proc WHERE pronamespace = current_schema()::regnamespace ORDER BY proname""",
    """SELECT sequence_name, data_type, start_value, minimum_value, maximum_value,
              increment, cycle_option
       FROM information_schema.sequences WHERE sequence_schema = current_schema()
       ORDER BY sequence_name""",
    """SELECT table_name, grantee, privilege_type FROM information_schema.table_privileges
       WHERE table_schema = current_schema() ORDER BY table_name, grantee, privilege_type""",
)


def catalog(url: str) -> list[list[tuple]]:
    engine = create_engine(resolve(url).sqlalchemy())
    try:
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            schema = None if sqlite else conn.exec_driver_sql("SELECT current_schema()").scalar()
            found = []
            for query in SQLITE_CATALOG if sqlite else PG_CATALOG:
                rows = conn.exec_driver_sql(query).all()
                found.append([tuple(_unschema(v, schema) for v in row) for row in rows])
            stamped = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
            found.append([tuple(row) for row in stamped])
    finally:
        engine.dispose()
    return found


def _unschema(value, schema: str | None):
    if schema and isinstance(value, str):
        return value.replace(f"{schema}.", "SCHEMA.")
    return value


def test_a_new_ledger_is_the_database_the_migrations_build(two_empty):
    dialect, ours, theirs = two_empty
    open_store(ours).close()  # an empty database: the recorded head schema
    migrated_by_alembic(theirs)
    created, migrated = catalog(ours), catalog(theirs)
    assert created == migrated
    assert created[-1] == [(HEAD_REVISION,)]
    assert any("events_no_replace_version" in str(row) for row in created[0]) == (
        dialect == "sqlite"
    )


def test_a_new_ledger_is_created_without_alembic_or_sqlmodel(tmp_path):
    path = tmp_path / "new.db"
    code = (
        "import sys; from ledger.store import open_store; "
        f"s = open_store({str(path)!r}); s.version('x'); s.close(); "
        "loaded = [m for m in ('alembic', 'sqlmodel', 'pydantic', 'sqlalchemy.orm') "
        "if m in sys.modules]; sys.exit(f'loaded: {loaded}' if loaded else 0)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
    assert path.exists()


def test_processes_creating_one_new_ledger_at_once_create_it_once(two_empty):
    """The head schema is created under the writer lock, its revision read again inside:
    six processes opening the same empty database at the same moment all succeed and
    leave the one schema the migrations build."""
    _, url, reference = two_empty
    code = (
        "import sys; from ledger.store import open_store; "
        "s = open_store(sys.argv[1]); s.version('x'); s.close()"
    )
    racing = [
        subprocess.Popen([sys.executable, "-c", code, url], cwd=REPO, stderr=subprocess.PIPE)
        for _ in range(6)
    ]
    for process in racing:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    migrated_by_alembic(reference)
    assert catalog(url) == catalog(reference)


def created_per_statement(url: str) -> None:
    """The reference for the one-query creation: ``create_head(one_query=False)``, one
    round trip per statement, on the store's own connection layer."""
    from ledger.store.dbapi import make_database
    from ledger.store.schema import create_head

    database = make_database(resolve(url))
    try:
        with database.connect() as conn, conn.begin():
            create_head(conn, one_query=False)
    finally:
        database.dispose()


@pg_mark
def test_postgresql_creates_the_head_schema_in_one_query_as_statement_by_statement(
    monkeypatch, tmp_path
):
    """On PostgreSQL ``create_head`` sends the statements and the stamp as ONE simple
    query (one round trip), and the database it makes is the one the same statements
    sent one by one make -- and the migrations' (the test above)."""
    from .test_pg_reads import _sent_queries, _traced_connections

    base = pg_base_url()
    if base is None:
        pytest.skip("PostgreSQL tests need ROTH_LEDGER_TEST_PG")
    for ours in _fresh_schema(base):
        for theirs in _fresh_schema(base):
            traces = _traced_connections(monkeypatch, tmp_path)
            try:
                open_store(ours).close()
                sent = _sent_queries(traces)
            finally:
                for out in traces:
                    out.close()
            monkeypatch.undo()
            text = "".join(open(out.name).read() for out in traces)
            # the revision (autocommit), BEGIN, the writer lock, the revision again, the
            # statements and the stamp in one query, COMMIT (a statement per message
            # before: 19 of them)
            assert len(sent) == 6 and sent[1] == ' "BEGIN"' and sent[-1] == ' "COMMIT"', sent
            done = [
                line.split("\t")[3] for line in text.splitlines() if "\tCommandComplete\t" in line
            ]
            assert done.count(' "CREATE TABLE"') == 5 and done.count(' "INSERT 0 1"') == 1, done
            created_per_statement(theirs)
            assert catalog(ours) == catalog(theirs)
            assert catalog(ours)[-1] == [(HEAD_REVISION,)]


@pg_mark
def test_a_failing_statement_of_the_one_query_creates_nothing(monkeypatch):
    """A statement of the one query that fails (here: the stamp, made invalid) fails the
    open, and the transaction leaves the database empty: no table of the statements
    before it stays."""
    from ledger.store import schema

    base = pg_base_url()
    if base is None:
        pytest.skip("PostgreSQL tests need ROTH_LEDGER_TEST_PG")
    for url in _fresh_schema(base):
        monkeypatch.setattr(schema, "STAMP", "INSERT INTO alembic_version VALUES (NULL)")
        with pytest.raises(Exception, match="null value"):
            open_store(url)
        monkeypatch.undo()
        engine = create_engine(resolve(url).sqlalchemy())
        try:
            with engine.connect() as conn:
                tables = conn.exec_driver_sql(
                    "SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace"
                ).scalar()
        finally:
            engine.dispose()
        assert tables == 0
