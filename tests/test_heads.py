"""Heads you can hold on to (issue 14, item 4): tampering that leaves no broken link --
a deleted newest event, a deleted household, an emptied table, a chain rehashed after an
edit -- passes the chain check, and is caught by ``verify --against`` the heads saved
earlier (exit 6)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from ledger.store.hashing import GENESIS, chain_hash


@pytest.fixture
def saved(run, tmp_path):
    other = tmp_path / "bora.yaml"
    text = open("ledger/examples/astra-2022.yaml", encoding="utf-8").read()
    other.write_text(text.replace("id: astra", "id: bora"), encoding="utf-8")
    assert run("import", "ledger/examples/astra-2022.yaml").exit_code == 0
    assert run("import", other).exit_code == 0
    heads = tmp_path / "heads.json"
    result = run("heads", "--format", "json", "-o", heads)
    assert result.exit_code == 0, result.output
    data = json.loads(heads.read_text())
    assert [h["household"] for h in data["heads"]] == ["astra", "bora"]
    assert all(h["version"] == 12 and len(h["hash"]) == 64 for h in data["heads"])
    assert run("verify", "--against", heads).exit_code == 0
    return tmp_path / "ledger.db", heads


def _untriggered(db, statement):
    conn = sqlite3.connect(db)
    conn.executescript(
        "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;" + statement + ";"
    )
    conn.close()


def _rehash(db):
    """Rewrite astra's chain after an edit, as a careful forger would."""
    conn = sqlite3.connect(db)
    conn.executescript("DROP TRIGGER events_no_update")
    conn.execute(
        "UPDATE events SET payload = replace(payload, '48000', '4800') WHERE household = 'astra'"
    )
    rows = conn.execute(
        "SELECT position, household, event_id, version, kind, schema_version, payload, "
        "effective_date, tax_year, recorded_at, recorded_by FROM events "
        "WHERE household = 'astra' ORDER BY version"
    ).fetchall()
    from datetime import date, datetime

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
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    "how, expected",
    [
        ("DELETE FROM events WHERE household = 'astra' AND version = 12", "newest events"),
        ("DELETE FROM events WHERE household = 'bora'", "now not in the ledger"),
        ("DELETE FROM events", "now not in the ledger"),
        ("rehash", "rehashed"),
    ],
)
def test_no_broken_link_yet_caught_against_saved_heads(run, saved, how, expected):
    db, heads = saved
    if how == "rehash":
        _rehash(db)
    else:
        _untriggered(db, how)
    plain = run("verify")
    # the chain alone shows nothing (a schema problem only where triggers were dropped)
    assert "event " not in plain.output
    result = run("verify", "--against", heads)
    assert result.exit_code == 6, result.output
    assert expected in result.output


def test_a_bad_heads_file_is_one_line(run, saved, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"heads": [{"household": 1}]}')
    result = run("verify", "--against", bad)
    assert result.exit_code == 2 and result.output.startswith("error: --against:")


@pytest.mark.parametrize("stored", ["'five'", "12.5", "x'00'"])
def test_a_head_version_changed_to_another_type_is_a_finding(run, saved, stored):
    """SQLite keeps whatever is written into the INTEGER column: a newest version edited
    to text, a real or a blob is a problem ``verify --against`` reports (exit 6), as the
    plain chain check does, never a crash comparing it with the saved whole number."""
    db, heads = saved
    _untriggered(
        db, f"UPDATE events SET version = {stored} WHERE household = 'astra' AND version = 12"
    )
    result = run("verify", "--against", heads)
    assert result.exit_code == 6, result.output
    assert "Traceback" not in result.output
    assert "household 'astra': its newest event's version is" in result.output
