"""SIGKILL a real `roth-ledger import BIGFILE` at random moments (SQLite file, PostgreSQL).

After every kill the ledger is exactly as it was (every household's (version, id, hash)
rows), or -- when the kill came only after the import's one transaction committed --
exactly as it was plus the whole file; `roth-ledger verify` is clean either way. One more
round kills the import while it provably holds the writer lock (mid-transaction). Then an
import left alone succeeds and importing it again adds nothing.

The API-level twin (a 30,000-event ``store.append`` killed) is ``test_crash.py``.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import time
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ledger.store.urls import resolve

from .helpers import REPO, cli_argv, cli_env, ledger_rows, run_cli, write_contributions_csv

EVENTS = 20_000  # per file (CSV: the JSON/YAML reader keeps line numbers and is slower)
ROUNDS = 5
SEED = 20240611


def _start_import(url: str, path) -> subprocess.Popen:
    return subprocess.Popen(
        cli_argv(url, "import", str(path)),
        cwd=REPO,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _verify_clean(url: str) -> None:
    proc = run_cli(url, "verify")
    assert proc.returncode == 0 and proc.stdout.startswith("ok: "), proc.stderr


def _kill(child: subprocess.Popen) -> bool:
    """SIGKILL the child unless it already finished; True if the signal ended it."""
    if child.poll() is None:
        child.kill()  # SIGKILL: no cleanup, no rollback from the child
    _, err = child.communicate(timeout=60)
    if child.returncode == -signal.SIGKILL:
        return True
    assert child.returncode == 0, err
    return False


def _check_round(url: str, before: list, new_ids: set[str], killed: bool) -> bool:
    """All or nothing; returns True if the ledger is exactly as before."""
    after = ledger_rows(url)
    _verify_clean(url)
    if after == before:
        assert killed, "the import finished but stored nothing"
        return True
    # the kill came after the commit: the rows from before untouched, the file wholly added
    assert [row for row in after if row[2] not in new_ids] == before
    assert sorted(row[2] for row in after if row[2] in new_ids) == sorted(new_ids)
    return False


@pytest.mark.slow
def test_sigkill_mid_import_leaves_the_ledger_as_it_was(sql_backend, tmp_path):
    url = sql_backend.url
    rng = random.Random(SEED)
    seed = run_cli(
        url, "import", str(write_contributions_csv(tmp_path / "seed.csv", "big", "s", 20))
    )
    assert seed.returncode == 0, seed.stderr
    other = run_cli(
        url, "import", str(write_contributions_csv(tmp_path / "o.csv", "other", "o", 3))
    )
    assert other.returncode == 0, other.stderr

    # how long the import takes up to its write (parse + validate), to aim the kills
    first = write_contributions_csv(tmp_path / "r0.csv", "big", "r0-", EVENTS)
    started = time.monotonic()
    dry = run_cli(url, "import", "--dry-run", str(first))
    validate_s = time.monotonic() - started
    assert dry.returncode == 0 and f"would import {EVENTS} events" in dry.stdout, dry.stderr

    interrupted = 0
    for r in range(ROUNDS):
        path = (
            first
            if r == 0
            else write_contributions_csv(tmp_path / f"r{r}.csv", "big", f"r{r}-", EVENTS)
        )
        before = ledger_rows(url)
        child = _start_import(url, path)
        time.sleep(rng.uniform(0.05, validate_s * 1.2 + 0.2))
        killed = _kill(child)
        interrupted += _check_round(url, before, {f"r{r}-{i}" for i in range(EVENTS)}, killed)
    assert interrupted > 0, "every import committed before its kill: nothing was tested"

    # once more, killed while it holds the writer lock: inside its one transaction
    path = write_contributions_csv(tmp_path / "locked.csv", "big", "locked-", EVENTS)
    before = ledger_rows(url)
    tag = f"crash-{uuid.uuid4().hex[:8]}"
    child_url = _tagged(url, tag)
    child = _start_import(child_url, path)
    assert _wait_for_writer(url, tag, child), "the import never took the writer lock"
    time.sleep(rng.uniform(0.0, 0.03))
    assert _kill(child), "the import finished within moments of taking the lock"
    assert ledger_rows(url) == before
    _verify_clean(url)

    # left alone, the import lands whole; again, it adds nothing
    final = write_contributions_csv(tmp_path / "final.csv", "big", "final-", EVENTS)
    done = run_cli(url, "import", str(final))
    assert done.returncode == 0 and f"imported {EVENTS} events" in done.stdout, done.stderr
    landed = ledger_rows(url)
    again = run_cli(url, "import", str(final))
    assert again.returncode == 0 and "imported 0 events" in again.stdout, again.stderr
    assert ledger_rows(url) == landed
    big = [row for row in landed if row[0] == "big"]
    assert [row[1] for row in big] == list(range(1, len(big) + 1))
    _verify_clean(url)


def _tagged(url: str, tag: str) -> str:
    """The URL with a PostgreSQL application_name, to find the child's session."""
    if resolve(url).get_backend_name() != "postgresql":
        return url
    return (
        make_url(url)
        .update_query_dict({"application_name": tag})
        .render_as_string(hide_password=False)
    )


def _wait_for_writer(url: str, tag: str, child: subprocess.Popen, timeout: float = 60) -> bool:
    """Poll until the child holds the writer lock (only it writes to this ledger now)."""
    resolved = resolve(url)
    deadline = time.monotonic() + timeout
    if resolved.get_backend_name() == "sqlite":
        con = sqlite3.connect(resolved.database or "", timeout=0, isolation_level=None)
        try:
            while time.monotonic() < deadline and child.poll() is None:
                try:
                    con.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as exc:  # "database is locked": it writes
                    if "locked" in str(exc):
                        return True
                    raise
                con.execute("ROLLBACK")
                time.sleep(0.002)
        finally:
            con.close()
        return False
    engine = create_engine(resolved.sqlalchemy())
    query = text(
        "SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE a.application_name = :tag AND l.locktype = 'advisory' AND l.granted"
    )
    try:
        with engine.connect() as conn:
            while time.monotonic() < deadline and child.poll() is None:
                if conn.execute(query, {"tag": tag}).first() is not None:
                    return True
                conn.rollback()
                time.sleep(0.002)
    finally:
        engine.dispose()
    return False
