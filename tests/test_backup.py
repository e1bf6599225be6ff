"""`roth-ledger db backup` (issue 12 item 5): a private, complete copy of the ledger that
`--db FILE` opens and `verify` checks; the same reports come out of it."""

from __future__ import annotations

import stat
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "ledger" / "examples" / "astra-2022.yaml"


def test_backup_is_a_private_verifiable_ledger(run, tmp_path):
    db, copy = tmp_path / "ledger.db", tmp_path / "backup.db"
    assert run("--db", db, "import", EXAMPLE).exit_code == 0
    result = run("--db", db, "db", "backup", "-o", copy)
    assert result.exit_code == 0 and "backed up 12 events" in result.output
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert run("--db", copy, "verify").exit_code == 0
    argv = ["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022", "--format", "json"]
    original = run("--db", db, *argv, "--as-known-on", "2100-01-01").output
    restored = run("--db", copy, *argv, "--as-known-on", "2100-01-01").output
    assert original.split('"generated_at"')[0] == restored.split('"generated_at"')[0]


def test_backup_refuses_to_overwrite(run, tmp_path):
    db, copy = tmp_path / "ledger.db", tmp_path / "backup.db"
    assert run("--db", db, "import", EXAMPLE).exit_code == 0
    copy.write_text("older backup")
    result = run("--db", db, "db", "backup", "-o", copy)
    assert result.exit_code == 2 and "--force" in result.output
    assert copy.read_text() == "older backup"
    assert run("--db", db, "db", "backup", "-o", copy, "--force").exit_code == 0
    assert run("--db", copy, "households").output.strip() == "astra"


def test_backup_of_a_missing_ledger(run, tmp_path):
    result = run("--db", tmp_path / "nope.db", "db", "backup", "-o", tmp_path / "b.db")
    assert result.exit_code == 3 and "no ledger at" in result.output
    assert not (tmp_path / "b.db").exists() and not (tmp_path / "nope.db").exists()
