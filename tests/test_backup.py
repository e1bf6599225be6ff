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


def test_restore_of_a_backup_at_an_older_revision_says_to_upgrade_a_copy(run, tmp_path):
    # A backup taken before an upgrade of roth-ledger is at the previous schema revision
    # (0004 before migration 0005, which changes nothing on SQLite). Every command refuses
    # it (exit 5), restore too; restore names the backup -- not the ledger it restores
    # into, which `roth-ledger db upgrade` alone would upgrade -- and says to upgrade a
    # copy, which then restores (before, the message said only "run `roth-ledger db
    # upgrade`").
    import shutil
    import sqlite3

    db, backup, new = tmp_path / "ledger.db", tmp_path / "backup.db", tmp_path / "new.db"
    assert run("--db", db, "import", EXAMPLE).exit_code == 0
    assert run("--db", db, "db", "backup", "-o", backup).exit_code == 0
    with sqlite3.connect(backup) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0004'")
    result = run("--db", new, "db", "restore", str(backup))
    assert result.exit_code == 5, result.output
    assert (
        f"{backup} is at schema revision '0004', not '0005': upgrade a copy of it (cp "
        f"{backup} COPY.db && roth-ledger --db COPY.db db upgrade), not the ledger restored "
        "into, and restore the copy; nothing was restored"
    ) in result.output
    assert not new.exists()  # nothing was restored, no empty ledger left behind
    copy = tmp_path / "COPY.db"
    shutil.copy(backup, copy)
    assert run("--db", copy, "db", "upgrade").exit_code == 0
    done = run("--db", new, "db", "restore", str(copy))
    assert done.exit_code == 0 and "restored 12 events of 1 households" in done.output
    assert run("--db", new, "verify").exit_code == 0
