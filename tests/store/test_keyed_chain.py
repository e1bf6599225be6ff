"""The keyed chain (issue 14, item 4; ``ledger/store/keyed.py``): with an HMAC key named by
``ROTH_LEDGER_HMAC_KEY_FILE`` every new row carries a MAC, and ``verify`` with the key
catches a chain rehashed after an edit and an event inserted with a correct hash --
without saved heads. Saved heads catch the rehash too; with neither, it passes (the
README's stated limitation). A keyed ledger is written with its key only, and verified
without it says its MACs were not checked."""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from ledger.store.hashing import GENESIS, chain_hash

from .conftest import PG_SKIP, pg_base_url

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "ledger" / "examples" / "astra-2022.yaml"
RECORD = (
    "record",
    "roth_contribution",
    "-H",
    "astra",
    "-p",
    "p",
    "-y",
    "2023",
    "--date",
    "2023-04-01",
    "--amount",
    "100",
)


#: a roth_distribution's payload as roth-ledger stores it (canonical JSON)
FORGED = '{"amount":"9000.00","date":"2022-07-01","disaster":false,"person":"p"}'


def write_key(path: Path, mode: int = 0o600) -> bytes:
    secret = f"roth-test-key-{secrets.token_hex(16)}".encode()
    path.write_bytes(secret)
    path.chmod(mode)
    return secret


@pytest.fixture
def keyed(run, tmp_path, monkeypatch):
    """A SQLite ledger keyed from its first import: astra and bora (12 events each)."""
    key = tmp_path / "ledger.key"
    secret = write_key(key)
    monkeypatch.setenv("ROTH_LEDGER_HMAC_KEY_FILE", str(key))
    bora = tmp_path / "bora.yaml"
    bora.write_text(EXAMPLE.read_text().replace("id: astra", "id: bora"), encoding="utf-8")
    for path in (EXAMPLE, bora):
        done = run("import", path)
        assert done.exit_code == 0, done.output
        assert secret.decode() not in done.output
    heads = tmp_path / "heads.json"
    assert run("heads", "--format", "json", "-o", heads).exit_code == 0
    return tmp_path / "ledger.db", key, heads, secret


def triggers(conn) -> list[tuple[str, str]]:
    return conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'"
    ).fetchall()


def rehash(db: Path, household: str = "astra") -> None:
    """Edit the household's distribution and rehash its whole chain, as a careful forger
    would -- the triggers dropped for the edit and put back exactly as they were, so the
    chain and the schema both look untouched."""
    conn = sqlite3.connect(db)
    saved = triggers(conn)
    for name, _ in saved:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute(
        "UPDATE events SET payload = replace(payload, '48000', '4800') WHERE household = ?",
        (household,),
    )
    rows = conn.execute(
        "SELECT position, household, event_id, version, kind, schema_version, payload, "
        "effective_date, tax_year, recorded_at, recorded_by FROM events "
        "WHERE household = ? ORDER BY version",
        (household,),
    ).fetchall()
    prev = GENESIS
    for position, h, eid, v, kind, sv, payload, eff, ty, at, by in rows:
        row = dict(
            household=h, event_id=eid, version=v, kind=kind, schema_version=sv,
            payload=payload, effective_date=date.fromisoformat(eff) if eff else None,
            tax_year=ty, recorded_at=datetime.fromisoformat(at), recorded_by=by,
        )  # fmt: skip
        digest = chain_hash(prev, row)
        conn.execute(
            "UPDATE events SET prev_hash = ?, hash = ? WHERE position = ?", (prev, digest, position)
        )
        prev = digest
    for _, sql in saved:
        conn.execute(sql)
    conn.commit()
    conn.close()


def forge(db: Path, household: str = "astra", position: int | None = None) -> None:
    """Insert an event after the household's head with a correct chain hash and no MAC,
    as a role that may INSERT (and knows SHA-256, not the key) can."""
    conn = sqlite3.connect(db)
    version, head, at = conn.execute(
        "SELECT version, hash, recorded_at FROM events WHERE household = ? "
        "ORDER BY version DESC LIMIT 1",
        (household,),
    ).fetchone()
    payload = FORGED
    row = dict(
        household=household, event_id="forged", version=version + 1, kind="roth_distribution",
        schema_version=1, payload=payload, effective_date=date(2022, 7, 1), tax_year=2022,
        recorded_at=datetime.fromisoformat(at), recorded_by="mallory",
    )  # fmt: skip
    digest = chain_hash(head, row)
    conn.execute(
        "INSERT INTO events (position, household, event_id, version, kind, schema_version, "
        "payload, effective_date, tax_year, recorded_at, recorded_by, prev_hash, hash) "
        "VALUES (?, ?, 'forged', ?, 'roth_distribution', 1, ?, '2022-07-01', 2022, ?, "
        "'mallory', ?, ?)",
        (position, household, version + 1, payload, at, head, digest),
    )
    conn.commit()
    conn.close()


def test_a_keyed_ledger_verifies_and_says_so(run, keyed, monkeypatch):
    db, key, heads, secret = keyed
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM events WHERE mac IS NULL").fetchone() == (0,)
    assert conn.execute("SELECT count(*), min(since_position) FROM ledger_keys").fetchone() == (
        1,
        1,
    )
    conn.close()
    done = run("verify", "--against", heads)
    assert done.exit_code == 0, done.output
    assert "and the MACs of key " in done.output and secret.decode() not in done.output
    monkeypatch.delenv("ROTH_LEDGER_HMAC_KEY_FILE")
    done = run("verify")
    assert done.exit_code == 0, done.output
    assert "MACs were NOT checked" in done.output and "(MACs not checked: no key)" in done.output
    # reports need no key: they check the SHA-256 chain of their household
    assert run("report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022").exit_code == 0


def test_a_rehashed_chain_is_caught_with_the_key_and_with_saved_heads(run, keyed, monkeypatch):
    db, key, heads, _ = keyed
    rehash(db)
    done = run("verify")  # with the key, no saved heads
    assert done.exit_code == 6, done.output
    assert "household 'astra': event 'e10' (version 12): the MAC does not match" in done.output
    assert "bora" not in done.output
    monkeypatch.delenv("ROTH_LEDGER_HMAC_KEY_FILE")
    done = run("verify", "--against", heads)  # saved heads, no key
    assert done.exit_code == 6 and "rehashed" in done.output, done.output
    done = run("verify")  # neither: the documented limitation, but never a claimed MAC check
    assert done.exit_code == 0 and "MACs were NOT checked" in done.output, done.output


def test_a_rehashed_chain_of_an_unkeyed_ledger_passes_without_saved_heads(run, tmp_path):
    assert run("import", EXAMPLE).exit_code == 0
    heads = tmp_path / "heads.json"
    assert run("heads", "--format", "json", "-o", heads).exit_code == 0
    rehash(tmp_path / "ledger.db")
    done = run("verify")  # README: not caught by the chain alone
    assert done.exit_code == 0 and "warning" not in done.output, done.output
    assert run("verify", "--against", heads).exit_code == 6


def test_an_event_inserted_with_a_correct_hash_is_caught_with_the_key(run, keyed, monkeypatch):
    db, *_ = keyed
    forge(db)
    done = run("verify")
    assert done.exit_code == 6, done.output
    assert "event 'forged' (version 13): no MAC" in done.output
    monkeypatch.delenv("ROTH_LEDGER_HMAC_KEY_FILE")
    assert run("verify").exit_code == 0  # the SHA-256 chain is intact: only the key shows it


def test_keying_an_existing_ledger_seals_what_was_there(run, tmp_path, monkeypatch):
    db = tmp_path / "ledger.db"
    assert run("import", EXAMPLE).exit_code == 0  # unkeyed: astra, 12 events
    key = tmp_path / "ledger.key"
    write_key(key)
    monkeypatch.setenv("ROTH_LEDGER_HMAC_KEY_FILE", str(key))
    done = run("verify")  # a key given, the ledger never written with it
    assert done.exit_code == 6 and "never written with key" in done.output, done.output
    assert run(*RECORD).exit_code == 0  # the first keyed write keys the ledger
    done = run("verify")
    assert done.exit_code == 0, done.output
    conn = sqlite3.connect(db)
    since, sealed = conn.execute("SELECT since_position, sealed FROM ledger_keys").fetchone()
    assert since == 13 and list(json.loads(sealed)) == ["astra"]
    assert conn.execute("SELECT count(*) FROM events WHERE mac IS NOT NULL").fetchone() == (1,)
    conn.close()

    forge(db, position=-1)  # slipped in at a position from before the key
    done = run("verify")
    assert done.exit_code == 6, done.output
    assert "not among the events sealed when the ledger was keyed" in done.output


def test_the_history_before_the_key_is_fixed_by_the_sealed_heads(run, tmp_path, monkeypatch):
    db = tmp_path / "ledger.db"
    assert run("import", EXAMPLE).exit_code == 0
    key = tmp_path / "ledger.key"
    write_key(key)
    monkeypatch.setenv("ROTH_LEDGER_HMAC_KEY_FILE", str(key))
    assert run("record", "household", "-H", "bora", "--name", "Bora").exit_code == 0
    rehash(db)  # astra's rows are all from before the key: no MAC to break
    done = run("verify")
    assert done.exit_code == 6, done.output
    assert "household 'astra': the event at version 12 has another hash than sealed" in done.output
    assert "bora" not in done.output


def test_a_keyed_ledger_is_written_with_its_key_only(run, keyed, tmp_path, monkeypatch):
    db, key, _, secret = keyed
    monkeypatch.delenv("ROTH_LEDGER_HMAC_KEY_FILE")
    done = run(*RECORD)
    assert done.exit_code == 5, done.output
    assert "the ledger is keyed (key " in done.output and "ROTH_LEDGER_HMAC_KEY_FILE" in done.output
    other = tmp_path / "other.key"
    write_key(other)
    monkeypatch.setenv("ROTH_LEDGER_HMAC_KEY_FILE", str(other))
    done = run(*RECORD)
    assert done.exit_code == 5 and "keyed with another key" in done.output, done.output
    done = run("verify")
    assert done.exit_code == 6 and "keyed with another key" in done.output, done.output
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM events").fetchone() == (24,)  # nothing stored
    conn.close()
    assert secret.decode() not in done.output


def test_the_key_record_cannot_be_changed_and_a_forged_one_is_caught(run, keyed):
    db, *_ = keyed
    conn = sqlite3.connect(db)
    for statement in ("UPDATE ledger_keys SET since_position = 99", "DELETE FROM ledger_keys"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(statement)
    conn.executescript(  # a forger who can drop triggers moves the key's start away
        "DROP TRIGGER ledger_keys_no_update; UPDATE ledger_keys SET since_position = 99;"
    )
    conn.close()
    done = run("verify")
    assert done.exit_code == 6 and "the key record's MAC does not match" in done.output


@pytest.mark.parametrize(
    "content, mode, expected",
    [
        (None, 0o600, "no such file"),
        (b"short", 0o600, "a key is 32 to 4096 bytes"),
        (b"x" * 5000, 0o600, "a key is 32 to 4096 bytes"),
    ],
)
def test_a_bad_key_file_is_one_line(run, tmp_path, monkeypatch, content, mode, expected):
    key = tmp_path / "bad.key"
    if content is not None:
        key.write_bytes(content)
        key.chmod(mode)
    monkeypatch.setenv("ROTH_LEDGER_HMAC_KEY_FILE", str(key))
    done = run("import", EXAMPLE)
    assert done.exit_code == 2, done.output
    assert done.output.startswith("error: ROTH_LEDGER_HMAC_KEY_FILE: ") and expected in done.output
    assert len(done.output.strip().splitlines()) == 1


def test_a_key_file_others_can_read_gets_a_warning(run, tmp_path, monkeypatch):
    key = tmp_path / "open.key"
    secret = write_key(key, 0o644)
    monkeypatch.setenv("ROTH_LEDGER_HMAC_KEY_FILE", str(key))
    done = run("import", EXAMPLE)
    assert done.exit_code == 0, done.output
    assert f"make it private with: chmod 600 {key}" in done.output
    assert secret.decode() not in done.output


def test_a_keyed_parallel_import_on_sqlite(run, tmp_path, monkeypatch):
    from tests.test_import_parallel import write_households

    key = tmp_path / "ledger.key"
    write_key(key)
    monkeypatch.setenv("ROTH_LEDGER_HMAC_KEY_FILE", str(key))
    files = write_households(tmp_path / "files", 0, 20, 10)
    done = run("import", "--jobs", "2", *files)
    assert done.exit_code == 0, done.output
    conn = sqlite3.connect(tmp_path / "ledger.db")
    assert conn.execute("SELECT count(*) FROM events WHERE mac IS NULL").fetchone() == (0,)
    conn.close()
    assert "MACs of key" in run("verify").output


@pytest.mark.postgres
def test_a_keyed_ledger_on_postgresql(tmp_path, monkeypatch):
    """COPY writes the MAC column; a forged insert (what an application role may do) is
    caught with the key."""
    from click.testing import CliRunner

    from cli.main import cli, register
    from tests.store.conftest import _fresh_schema
    from tests.test_import_parallel import write_households

    if pg_base_url() is None:
        pytest.skip(PG_SKIP)
    register()
    key = tmp_path / "ledger.key"
    write_key(key)
    for url in _fresh_schema(pg_base_url()):
        env = {"ROTH_LEDGER_DB": url, "ROTH_LEDGER_HMAC_KEY_FILE": str(key)}

        def run(*args, env=env, **more):
            result = CliRunner().invoke(cli, [str(a) for a in args], env={**env, **more})
            assert "Traceback" not in result.output
            return result

        files = write_households(tmp_path / "files", 0, 20, 10)
        assert run("import", "--jobs", "2", *files).exit_code == 0
        assert run("import", EXAMPLE).exit_code == 0
        done = run("verify")
        assert done.exit_code == 0 and "MACs of key" in done.output, done.output
        import psycopg
        from sqlalchemy.engine import make_url

        made = make_url(url)
        schema = str(made.query["options"]).split("=", 1)[1]
        plain = made.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
        with psycopg.connect(plain, options=f"-csearch_path={schema}") as conn:
            assert conn.execute("SELECT count(*) FROM events WHERE mac IS NULL").fetchone() == (0,)
            version, head, at = conn.execute(
                "SELECT version, hash, recorded_at FROM events WHERE household = 'astra' "
                "ORDER BY version DESC LIMIT 1"
            ).fetchone()
            payload = FORGED
            row = dict(
                household="astra", event_id="forged", version=version + 1,
                kind="roth_distribution", schema_version=1, payload=payload,
                effective_date=date(2022, 7, 1), tax_year=2022, recorded_at=at,
                recorded_by="mallory",
            )  # fmt: skip
            conn.execute(
                "INSERT INTO events (household, event_id, version, kind, schema_version, "
                "payload, effective_date, tax_year, recorded_at, recorded_by, prev_hash, hash) "
                "VALUES ('astra', 'forged', %s, 'roth_distribution', 1, %s, '2022-07-01', "
                "2022, %s, 'mallory', %s, %s)",
                (version + 1, payload, at, head, chain_hash(head, row)),
            )
        assert run("verify", ROTH_LEDGER_HMAC_KEY_FILE="").exit_code == 0  # chain intact
        done = run("verify")
        assert done.exit_code == 6 and "event 'forged' (version 13): no MAC" in done.output
        assert os.environ.get("ROTH_LEDGER_HMAC_KEY_FILE") is None
