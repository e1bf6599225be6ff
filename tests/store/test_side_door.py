"""No side door (issue 14, item 3): on SQLite an insert that would replace a stored event
is refused by the database whatever the conflict clause (INSERT OR REPLACE deletes the old
row without firing DELETE triggers; an upsert updates it); ``verify`` checks that the
table, its constraints and its append-only triggers are the ones the migrations made, so
a dropped trigger or a table renamed away and copied back is tampering (exit 6)."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from cli.main import cli, register
from ledger.store import open_store

SIDE_DOORS = [
    "INSERT OR REPLACE INTO events SELECT * FROM events WHERE version = 1",
    "REPLACE INTO events SELECT * FROM events WHERE version = 2",
    "INSERT OR IGNORE INTO events SELECT * FROM events WHERE version = 1",
    # same (household, version), new position and id: the version would be taken twice
    "INSERT OR REPLACE INTO events (household, event_id, version, kind, schema_version, "
    "payload, effective_date, tax_year, recorded_at, recorded_by, prev_hash, hash) "
    "SELECT household, 'x', version, kind, schema_version, payload, effective_date, "
    "tax_year, recorded_at, recorded_by, prev_hash, hash FROM events WHERE version = 3",
    # same event id, new version: an upsert on the id
    "INSERT INTO events (household, event_id, version, kind, schema_version, payload, "
    "effective_date, tax_year, recorded_at, recorded_by, prev_hash, hash) "
    "SELECT household, event_id, 99, kind, schema_version, payload, effective_date, "
    "tax_year, recorded_at, recorded_by, prev_hash, hash FROM events WHERE version = 3 "
    "ON CONFLICT (household, event_id) DO UPDATE SET payload = 'x'",
]


def _cli(db, *args):
    register()
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


@pytest.fixture
def ledger(tmp_path):
    db = tmp_path / "ledger.db"
    assert _cli(db, "import", "ledger/examples/astra-2022.yaml").exit_code == 0
    return db


@pytest.mark.parametrize("statement", SIDE_DOORS)
def test_an_insert_never_replaces_a_stored_event(ledger, statement):
    before = sqlite3.connect(ledger).execute("SELECT * FROM events ORDER BY 1").fetchall()
    conn = sqlite3.connect(ledger)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute(statement)
    conn.rollback()
    conn.close()
    assert sqlite3.connect(ledger).execute("SELECT * FROM events ORDER BY 1").fetchall() == before
    assert _cli(ledger, "verify").exit_code == 0


@pytest.mark.parametrize(
    "script, expected",
    [
        ("DROP TRIGGER events_no_update", "events_no_update is missing"),
        ("DROP TRIGGER events_no_replace_id", "events_no_replace_id is missing"),
        ("DROP TRIGGER ledger_keys_no_delete", "ledger_keys_no_delete is missing"),
        (
            "DROP TRIGGER events_no_delete; CREATE TRIGGER events_no_delete BEFORE DELETE ON "
            "events BEGIN SELECT 1; END",
            "events_no_delete was changed",
        ),
        (  # renamed away (its triggers follow it), a bare copy put in its place
            "ALTER TABLE events RENAME TO old; CREATE TABLE events AS SELECT * FROM old",
            "events_no_update is missing",
        ),
    ],
)
def test_verify_checks_the_schema_the_migrations_made(ledger, script, expected):
    conn = sqlite3.connect(ledger)
    conn.executescript(script)
    conn.close()
    result = _cli(ledger, "verify")
    assert result.exit_code == 6, result.output
    assert f"verify: the append-only trigger {expected}" in result.output


def test_postgres_schema_as_made_passes_and_a_disabled_trigger_does_not(pg_schema_url):
    store = open_store(pg_schema_url)
    try:
        assert store.schema_problems() == []
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE events DISABLE TRIGGER events_no_update_delete")
        assert store.schema_problems() == [
            "the append-only trigger events_no_update_delete is disabled"
        ]
        with store.engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER ledger_keys_no_truncate ON ledger_keys")
        assert store.schema_problems()[-1] == (
            "the append-only trigger ledger_keys_no_truncate is missing"
        )
    finally:
        store.close()
