"""Lossless moves and backups (issue 12 item 5): ``export --with-history`` then ``import``.

A with-history export keeps every stored row -- version, recorded_at, recorded_by, voids,
superseded person records, hashes -- so the ledger imported into an empty database
(SQLite or PostgreSQL) is the same ledger: ``heads`` prints the same versions and hashes,
``verify --against`` the heads saved before the move passes, ``events`` shows the same
history and the reports the same figures. The import re-computes the hash chain: an
entry changed, removed or moved is refused (exit 6, the entry named), nothing stored. An
import into a ledger that already holds the household adds only what follows the same
stored history (idempotent) and refuses another history (exit 2, nothing stored).
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.app.exporting import export_history, write_export
from ledger.app.importing import import_files
from ledger.store import MemoryStore
from ledger.store.schema import HEAD_REVISION

BORN = "1955-03-10"


@pytest.fixture
def ledger(run, tmp_path, monkeypatch):
    """A household recorded over time by two users: records, a 1099-R, a void, a person
    record changed and its change voided. Returns the ledger file's path."""

    def ok(*args, user="dana"):
        result = run("--user", user, *args)
        assert result.exit_code == 0, result.output
        return result.stdout.strip()

    ok("record", "household", "-H", "h", "--name", "The H household")
    ok("record", "person", "-H", "h", "--id", "dana", "--name", "Dana", "--born", BORN)
    ok("record", "person", "-H", "h", "--id", "lee", "--born", "1950-01-02", user="lee")
    ok(
        "record",
        "roth_contribution",
        "-H",
        "h",
        "-p",
        "dana",
        "-y",
        "2019",
        "--date",
        "2020-04-01",
        "--amount",
        "6000",
    )
    ok("record", "roth_conversion", "-H", "h", "-p", "lee", "--date", "2018-06-01", "--amount", "15000", "--taxable", "15000", user="lee")  # fmt: skip
    mistake = ok("record", "roth_distribution", "-H", "h", "-p", "dana", "--date", "2022-08-15", "--amount", "999")  # fmt: skip
    ok("void", mistake, "--reason", "wrong amount", user="lee")
    ok("record", "form-1099r", "-H", "h", "-p", "dana", "-y", "2022", "--box1", "4000", "--box7", "T", "--date", "2022-08-15")  # fmt: skip
    changed = ok("record", "person", "-H", "h", "--id", "dana", "--name", "Dana", "--born", "1955-03-11")  # fmt: skip
    ok("void", changed, "--reason", "birth date was right")
    return tmp_path / "ledger.db"


def _json(run, *args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _state(run, db) -> dict:
    """What must be the same after a move (the report's generated_at aside)."""
    report = _json(run, "--db", db, "report", "withdrawals", "-H", "h", "-p", "dana", "-y", "2022", "--format", "json")  # fmt: skip
    report["ledger_state"].pop("generated_at")
    return {
        "heads": _json(run, "--db", db, "heads", "--format", "json"),
        "events": _json(run, "--db", db, "events", "-H", "h", "--format", "json"),
        "report": report,
    }


def _export(run, db, path, *extra) -> Path:
    result = run("--db", db, "export", "-H", "h", "--with-history", "-o", path, *extra)
    assert result.exit_code == 0, result.output
    return Path(path)


def test_sqlite_to_sqlite_is_the_same_ledger(run, ledger, tmp_path):
    heads = tmp_path / "heads.json"
    assert run("--db", ledger, "heads", "--format", "json", "-o", heads).exit_code == 0
    before = _state(run, ledger)
    for fmt in ("yaml", "json"):
        moved = tmp_path / f"moved-{fmt}.db"
        path = _export(run, ledger, tmp_path / f"h.{fmt}")
        result = run("--db", moved, "import", path)
        assert result.exit_code == 0, result.output
        [head] = before["heads"]["heads"]
        n = head["version"]
        assert f"imported {n} events (0 already stored)" in result.stdout
        assert _state(run, moved) == before
        check = run("--db", moved, "verify", "--against", heads)
        assert check.exit_code == 0, check.output
        # the rows themselves: versions, recorded_at, recorded_by, voids
        events = before["events"]["events"]
        assert {e["recorded_by"] for e in events} == {"dana", "lee"}
        assert sum(1 for e in events if e["voided_by"]) == 2
        # again: nothing added
        again = run("--db", moved, "import", path)
        assert again.exit_code == 0 and f"imported 0 events ({n} already stored)" in again.stdout
        assert _state(run, moved) == before
        # and exported from the moved ledger: the same file, byte for byte
        back = _export(run, moved, tmp_path / f"back.{fmt}")
        assert back.read_bytes() == path.read_bytes()


def test_the_start_of_the_history_already_stored_gets_the_rest(run, ledger, tmp_path):
    path = _export(run, ledger, tmp_path / "h.yaml")
    data = yaml.safe_load(path.read_text())
    first = tmp_path / "first.yaml"
    first.write_text(yaml.safe_dump({**data, "history": data["history"][:4]}, sort_keys=False))
    moved = tmp_path / "moved.db"
    assert "imported 4 events" in run("--db", moved, "import", first).stdout
    result = run("--db", moved, "import", path)
    assert result.exit_code == 0, result.output
    [head] = _state(run, ledger)["heads"]["heads"]
    assert f"imported {head['version'] - 4} events (4 already stored)" in result.stdout
    assert _state(run, moved)["heads"] == _state(run, ledger)["heads"]


def test_another_history_of_the_household_is_refused(run, ledger, tmp_path):
    path = _export(run, ledger, tmp_path / "h.yaml")
    other = tmp_path / "other.db"
    assert run("--db", other, "record", "household", "-H", "h", "--name", "Another").exit_code == 0
    heads = _json(run, "--db", other, "heads", "--format", "json")
    result = run("--db", other, "import", path)
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "already in the ledger with another history" in line and "nothing was stored" in line
    assert line.startswith(f"error: {path}:")
    assert _json(run, "--db", other, "heads", "--format", "json") == heads


def _tampered(path: Path, tmp_path: Path, change) -> Path:
    data = yaml.safe_load(path.read_text())
    change(data["history"])
    out = tmp_path / f"tampered-{uuid.uuid4().hex[:6]}.yaml"
    out.write_text(yaml.safe_dump(data, sort_keys=False))
    return out


def _amount(history):
    [entry] = [e for e in history if e["kind"] == "roth_contribution"]
    entry["amount"] = "6001.00"


def _drop(history):
    del history[4]


def _swap(history):
    history[3], history[4] = history[4], history[3]


def _recorded_by(history):
    history[2]["recorded_by"] = "mallory"


def _version(history):
    history[5]["version"] = 7
    history[6]["version"] = 6


@pytest.mark.parametrize(
    ("change", "named", "why"),
    [
        (_amount, "version 4", "hash mismatch"),
        (_recorded_by, "version 3", "hash mismatch"),
        (_drop, "version 6", "version 5 is missing"),
        (_swap, "version 5", "version 4 is missing"),
        (_version, "version 7", "version 6 is missing"),
    ],
)
def test_a_tampered_file_is_refused_naming_the_entry(run, ledger, tmp_path, change, named, why):
    path = _tampered(_export(run, ledger, tmp_path / "h.yaml"), tmp_path, change)
    moved = tmp_path / "moved.db"
    result = run("--db", moved, "import", path)
    assert result.exit_code == 6, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {path}:") and named in line and why in line, line
    assert "nothing was stored" in line
    assert run("--db", moved, "households").stdout.strip() == ""


def test_a_bad_entry_is_file_line_field_reason(run, ledger, tmp_path):
    def bad(history):
        del history[3]["recorded_at"]
        history[4]["hash"] = "xyz"

    path = _tampered(_export(run, ledger, tmp_path / "h.yaml"), tmp_path, bad)
    result = run("--db", tmp_path / "moved.db", "import", path)
    assert result.exit_code == 2
    assert f"{path}:" in result.stderr
    assert "recorded_at: missing" in result.stderr and "hash: is not a SHA-256" in result.stderr


def test_csv_and_mixed_imports_are_refused(run, ledger, tmp_path):
    result = run("--db", ledger, "export", "-H", "h", "--with-history", "--format", "csv")
    assert result.exit_code == 2 and "not supported: --with-history in CSV" in result.stderr
    path = _export(run, ledger, tmp_path / "h.yaml")
    plain = tmp_path / "plain.yaml"
    assert run("--db", ledger, "export", "-H", "h", "-o", plain).exit_code == 0
    mixed = run("--db", tmp_path / "moved.db", "import", path, plain)
    assert mixed.exit_code == 2 and "imported on its own" in mixed.stderr


def test_a_changed_ledger_is_not_exported(run, ledger, tmp_path):
    import sqlite3

    conn = sqlite3.connect(ledger)
    conn.execute("DROP TRIGGER IF EXISTS events_no_update")
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
    for name in names:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE events SET recorded_by = 'mallory' WHERE version = 3")
    conn.commit()
    conn.close()
    result = run("--db", ledger, "export", "-H", "h", "--with-history")
    assert result.exit_code == 6 and "version 3" in result.stderr


@pytest.fixture
def pg_url():
    base = os.environ.get("ROTH_LEDGER_TEST_PG")
    if not base:
        pytest.skip("ROTH_LEDGER_TEST_PG not set")
    from sqlalchemy import create_engine, text

    schema = f"uxhist_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def test_sqlite_to_postgresql_and_back(run, ledger, tmp_path, pg_url):
    heads = tmp_path / "heads.json"
    assert run("--db", ledger, "heads", "--format", "json", "-o", heads).exit_code == 0
    before = _state(run, ledger)
    path = _export(run, ledger, tmp_path / "h.json")
    assert run("--db", pg_url, "import", path).exit_code == 0
    assert _state(run, pg_url) == before
    assert run("--db", pg_url, "verify", "--against", heads).exit_code == 0
    assert run("--db", pg_url, "verify").exit_code == 0
    again = run("--db", pg_url, "import", path)
    assert "imported 0 events (" in again.stdout and "already stored" in again.stdout
    from_pg = _export(run, pg_url, tmp_path / "from-pg.json")
    assert from_pg.read_bytes() == path.read_bytes()
    back = tmp_path / "back.db"
    assert run("--db", back, "import", from_pg).exit_code == 0
    assert _state(run, back) == before
    assert run("--db", back, "verify", "--against", heads).exit_code == 0


# --- db restore: a backup (or any ledger) into another ledger, any database -----------


def test_db_restore_of_a_backup_is_the_same_ledger(run, ledger, tmp_path):
    heads = tmp_path / "heads.json"
    assert run("--db", ledger, "heads", "--format", "json", "-o", heads).exit_code == 0
    before = _state(run, ledger)
    [head] = before["heads"]["heads"]
    backup = tmp_path / "backup.db"
    assert run("--db", ledger, "db", "backup", "-o", backup).exit_code == 0
    new = tmp_path / "new.db"
    dry = run("--db", new, "db", "restore", backup, "--dry-run")
    assert dry.exit_code == 0 and "nothing was stored" in dry.stdout
    assert not new.exists()
    result = run("--db", new, "db", "restore", backup)
    assert result.exit_code == 0, result.output
    assert f"restored {head['version']} events of 1 households" in result.stdout
    assert _state(run, new) == before
    assert run("--db", new, "verify", "--against", heads).exit_code == 0
    again = run("--db", new, "db", "restore", backup)
    assert f"restored 0 events of 1 households from {backup} ({head['version']}" in again.stdout
    assert _state(run, new) == before


def test_db_restore_refuses_another_history_and_a_broken_source(run, ledger, tmp_path):
    other = tmp_path / "other.db"
    assert run("--db", other, "record", "household", "-H", "h", "--name", "Another").exit_code == 0
    result = run("--db", other, "db", "restore", ledger)
    assert result.exit_code == 2 and "another history" in result.stderr
    assert run("--db", other, "heads").stdout.count("\n") == 1
    import sqlite3

    conn = sqlite3.connect(ledger)
    for (name,) in list(conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")):
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE events SET recorded_by = 'mallory' WHERE version = 5")
    conn.commit()
    conn.close()
    new = tmp_path / "new.db"
    broken = run("--db", new, "db", "restore", ledger)
    assert broken.exit_code == 6 and "version 5" in broken.stderr
    assert "nothing was restored" in broken.stderr
    assert not new.exists()  # the source refused before the ledger was created
    missing = run("--db", new, "db", "restore", tmp_path / "nope.db")
    assert missing.exit_code == 3 and "no ledger at" in missing.stderr
    assert not new.exists()
    new.write_bytes(b"")  # a file that was there before is left as it was
    assert run("--db", new, "db", "restore", ledger).exit_code == 6
    assert new.exists() and new.read_bytes() == b""


def test_db_restore_sqlite_to_postgresql_and_back(run, ledger, tmp_path, pg_url):
    heads = tmp_path / "heads.json"
    assert run("--db", ledger, "heads", "--format", "json", "-o", heads).exit_code == 0
    before = _state(run, ledger)
    assert run("--db", pg_url, "db", "restore", ledger).exit_code == 0
    assert _state(run, pg_url) == before
    assert run("--db", pg_url, "verify", "--against", heads).exit_code == 0
    back = tmp_path / "back.db"
    assert run("--db", back, "db", "restore", pg_url).exit_code == 0
    assert _state(run, back) == before
    assert run("--db", back, "verify", "--against", heads).exit_code == 0


# --- an older ledger: the advice names the database to upgrade ---------------------------


def _set_back(ledger: Path) -> str:
    """Set a ledger file back to the revision before head (its tables as they are): the
    revision a ledger of the previous release records. Returns that revision."""
    import sqlite3

    from alembic.script import ScriptDirectory

    from ledger.store.migrate import alembic_config

    previous = ScriptDirectory.from_config(alembic_config()).get_revision(HEAD_REVISION)
    older = str(previous.down_revision)
    conn = sqlite3.connect(ledger)
    conn.execute("UPDATE alembic_version SET version_num = ?", (older,))
    conn.commit()
    conn.close()
    return older


def test_reading_an_older_ledger_names_the_database_to_upgrade(run, ledger, tmp_path):
    import shlex

    old = tmp_path / "old ledger.db"  # a name the shell must have quoted
    old.write_bytes(Path(ledger).read_bytes())
    older = _set_back(old)
    result = run("--db", old, "households")
    assert result.exit_code == 5, result.output
    assert result.stderr.strip().endswith(
        f"the ledger at {old} is at schema revision {older!r}, not "
        f"{HEAD_REVISION!r}: run `roth-ledger --db {shlex.quote(str(old))} db upgrade`"
    )
    assert run("--db", old, "db", "upgrade").exit_code == 0  # the advice, followed
    assert run("--db", old, "households").stdout.strip() == "h"


def test_an_empty_database_names_the_database_to_upgrade(run, tmp_path):
    import shlex

    empty = tmp_path / "empty ledger.db"  # a name the shell must have quoted
    empty.write_bytes(b"")
    result = run("--db", empty, "households")
    assert result.exit_code != 0, result.output
    assert (
        f"no ledger at {empty} (the database is empty: "
        f"`roth-ledger --db {shlex.quote(str(empty))} db upgrade` or the first import "
        "creates it)"
    ) in result.stderr
    assert run("--db", empty, "db", "upgrade").exit_code == 0  # the advice, followed
    assert run("--db", empty, "households").exit_code == 0


def test_a_source_at_an_unknown_revision_says_to_upgrade_roth_ledger(run, ledger, tmp_path):
    import sqlite3

    conn = sqlite3.connect(ledger)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    result = run("--db", tmp_path / "new.db", "db", "restore", ledger)
    assert result.exit_code == 5, result.output
    assert "'9999', which this version of roth-ledger does not know" in result.stderr
    assert result.stderr.strip().endswith("upgrade roth-ledger")
    assert "copy" not in result.stderr  # an upgrade of a copy would not help


# --- property: any history round-trips -------------------------------------------------

from tests.test_import_properties import ledgers, write_file  # noqa: E402

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    data=ledgers(),
    cuts=st.lists(st.integers(0, 12), max_size=3),
    users=st.lists(st.sampled_from(["ann", "bo", "cy"]), min_size=4, max_size=4),
    fmt=st.sampled_from(["yaml", "json"]),
)
def test_any_history_round_trips(data, cuts, users, fmt):
    """Property: a household recorded in several imports (each its own recorded_at and
    recorded_by, a void among them) and exported with its history imports into an empty
    store with the same rows -- version, id, payload, recorded_at, recorded_by, hash --
    and importing it again adds nothing."""
    household = data["household"]["id"]
    pieces, start = [], 0
    for cut in sorted(set(cuts)):
        pieces.append(data["events"][start:cut])
        start = max(start, cut)
    pieces.append(data["events"][start:])
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        store = MemoryStore()
        at = datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
        for i, events in enumerate(pieces):
            piece = {**data, "events": events}
            path = write_file(piece, "yaml", tmp)
            try:
                import_files(store, [path], users[i % 4], recorded_at=at + timedelta(days=i))
            except Exception:
                return  # a piece that needs a later one (a void before its target)
        exported = export_history(store, household)
        out = tmp / f"history.{fmt}"
        with open(out, "w", encoding="utf-8", newline="") as stream:
            write_export(exported, fmt, stream)
        fresh = MemoryStore()
        import_files(fresh, [out], "someone-else")
        rows = [
            (s.version, s.event, s.recorded_at, s.recorded_by, s.prev_hash, s.hash)
            for s in store.load(household)
        ]
        assert [
            (s.version, s.event, s.recorded_at, s.recorded_by, s.prev_hash, s.hash)
            for s in fresh.load(household)
        ] == rows
        assert fresh.heads() == store.heads()
        assert fresh.verify() == []
        assert import_files(fresh, [out], "x")[0].added == 0
        # as known on the first import's day: the start of the history, the heads of then
        first_day = at.date()
        older = export_history(store, household, known_on=first_day)
        out = tmp / f"older.{fmt}"
        with open(out, "w", encoding="utf-8", newline="") as stream:
            write_export(older, fmt, stream)
        then = MemoryStore()
        import_files(then, [out], "x")
        assert then.heads() == store.heads(known_on=first_day)
