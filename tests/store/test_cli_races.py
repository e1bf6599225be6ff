"""Racing writers at the command line (SQLite file, PostgreSQL).

``roth-ledger record`` / ``import`` / ``void`` read the household, validate, then append
at the version they read -- no retry, no lock held in between -- so two commands racing
on one household can meet: the second gets a ConcurrencyConflict, which the command line
prints as ONE line on stderr with exit code 4 (``cli.main.LedgerGroup``). The API-level
race (8 x 100 appends) is ``test_races.py``; here every write is a real process.
"""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from ledger.app.importing import record_event
from ledger.store import open_store

from .helpers import (
    EXIT_CONFLICT,
    REPO,
    cli_argv,
    cli_env,
    ledger_rows,
    run_cli,
    write_contributions_csv,
)

PROCESSES = 8
COMMANDS = 4  # per process (each a fresh interpreter, ~0.5 s): 3 shared, 1 own household
OWN_EVERY = 4
SETUP_EVENTS = 2  # household_named + person_added
CONFLICT_LINE = (
    "error: conflict: household {h!r} changed while you were writing "
    "(expected version {expected}, it is now at {actual}); nothing was stored, "
    "run the command again"
)


def _setup(url: str, households: list[str]) -> None:
    store = open_store(url)  # creates and migrates before the race
    try:
        for h in households:
            record_event(store, h, "household", {"name": f"Household {h}"}, "setup")
            record_event(
                store,
                h,
                "person",
                {"id": "dana", "name": "Dana Rivera", "born": "1980-07-02"},
                "setup",
            )
    finally:
        store.close()


def _record_args(household: str, event_id: str, i: int) -> list[str]:
    return [
        "record",
        "roth_contribution",
        "--household",
        household,
        "--person",
        "dana",
        "--tax-year",
        "2020",
        "--date",
        "2020-05-01",
        "--amount",
        f"{1 + i}.00",
        "--id",
        event_id,
        "--source",
        "race test",
    ]


def _assert_clean(proc: subprocess.CompletedProcess, what: str) -> None:
    """Exit 0, or exit 4 with exactly one line on stderr naming the conflict."""
    assert "Traceback" not in proc.stderr, f"{what}: {proc.stderr}"
    if proc.returncode == 0:
        return
    assert proc.returncode == EXIT_CONFLICT, f"{what}: exit {proc.returncode}: {proc.stderr}"
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: conflict: household "), (
        f"{what}: {proc.stderr!r}"
    )
    assert proc.stdout == "", f"{what}: a conflict printed {proc.stdout!r}"


@pytest.mark.slow
def test_racing_record_commands_lose_nothing(sql_backend):
    """8 processes at once, each running `record` commands one after another against one
    shared household and its own household: each command lands or exits 4 with one line;
    then stored events == successful commands, versions contiguous, `verify` clean."""
    url = sql_backend.url
    own = [f"own{w}" for w in range(PROCESSES)]
    _setup(url, ["shared", *own])
    start = threading.Barrier(PROCESSES)
    results: list[tuple[str, str, subprocess.CompletedProcess]] = []

    def process(w: int) -> None:
        start.wait()
        for i in range(COMMANDS):
            household = own[w] if i % OWN_EVERY == OWN_EVERY - 1 else "shared"
            event_id = f"w{w}-{i}"
            proc = subprocess.run(
                cli_argv(url, *_record_args(household, event_id, i)),
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=120,
                env=cli_env(),
            )
            results.append((household, event_id, proc))

    threads = [threading.Thread(target=process, args=(w,)) for w in range(PROCESSES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == PROCESSES * COMMANDS

    landed: dict[str, set[str]] = {h: set() for h in ["shared", *own]}
    conflicts = 0
    for household, event_id, proc in results:
        _assert_clean(proc, f"record {event_id} into {household}")
        if proc.returncode == 0:
            assert proc.stdout.strip() == event_id
            landed[household].add(event_id)
        else:
            assert household == "shared", "a household nobody else writes cannot conflict"
            conflicts += 1
    assert all(len(landed[h]) == COMMANDS // OWN_EVERY for h in own)
    assert landed["shared"], "no command on the shared household landed"

    rows = ledger_rows(url)
    assert len(rows) == SETUP_EVENTS * (PROCESSES + 1) + sum(map(len, landed.values()))
    for household, ids in landed.items():
        mine = [r for r in rows if r[0] == household]
        assert [r[1] for r in mine] == list(range(1, len(mine) + 1))  # contiguous
        assert {r[2] for r in mine[SETUP_EVENTS:]} == ids  # nothing lost, nothing doubled
    verify = run_cli(url, "verify")
    assert verify.returncode == 0, verify.stderr
    assert verify.stdout.strip() == f"ok: {PROCESSES + 1} household chains verified"
    print(
        f"\n{sql_backend.name}: {len(landed['shared'])} landed on the shared household, "
        f"{conflicts} clean conflicts",
        file=sys.stderr,
    )


# --- the conflict itself, made to happen deterministically --------------------------------


def _interleaved(url: str, *argv: str) -> subprocess.CompletedProcess:
    code = (
        "import sys; from tests.store.workers import cli_with_interleaved_writer as run; "
        "run(sys.argv[1], sys.argv[2:])"
    )
    return subprocess.run(
        [sys.executable, "-c", code, url, *argv],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env=cli_env(),
    )


@pytest.mark.parametrize("command", ["record", "import", "void"])
def test_a_conflict_is_one_line_and_exit_4(sql_backend, tmp_path, command):
    """Another writer appends between the command's read and its write: the command stores
    nothing, prints one line and exits 4; the other writer's event stands."""
    url = sql_backend.url
    _setup(url, ["h"])
    store = open_store(url)
    record_event(
        store,
        "h",
        "roth_contribution",
        {"id": "c1", "person": "dana", "tax_year": "2020", "date": "2020-05-01", "amount": "100"},
        "setup",
    )
    store.close()
    before = ledger_rows(url)
    argv = {
        "record": _record_args("h", "mine", 0),
        "import": ["import", str(write_contributions_csv(tmp_path / "h.csv", "h", "f", 5))],
        "void": ["void", "c1", "--reason", "entered twice"],
    }[command]
    proc = _interleaved(url, *argv)
    assert proc.returncode == EXIT_CONFLICT, proc.stderr
    assert proc.stderr.splitlines() == [CONFLICT_LINE.format(h="h", expected=3, actual=4)]
    assert proc.stdout == ""
    after = ledger_rows(url)
    assert after[:-1] == before and after[-1][1:3] == (4, "interloper")
    store = open_store(url)
    assert store.verify() == []
    store.close()
    # run again, as the message says: it lands
    again = run_cli(url, *argv)
    assert again.returncode == 0, again.stderr
    assert len(ledger_rows(url)) > len(after)
