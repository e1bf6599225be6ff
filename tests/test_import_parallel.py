"""The parallel import (``import --jobs N``, ledger.app.parallel_import) stores exactly what
the one-process import stores: the same rows in the same global order, the same results,
the same problems -- and nothing at all when any file is bad (SPEC §4: import is atomic)."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.app.importing import _HISTORY_HEAD, _history_head, auto_jobs, import_files
from ledger.errors import InvalidInput
from ledger.store import open_store
from ledger.store.api import ConcurrencyConflict
from ledger.store.hashing import GENESIS

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from generate import household  # noqa: E402

AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def write_households(
    directory: Path, first: int, count: int, events: int = 40, keep: int | None = None
) -> list[Path]:
    """Generated firm households (tests/benchmarks/generate.py); ``keep``: only the first
    ``keep`` events of each (an earlier state of the same ledger)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(first, first + count):
        data = household(i, events)
        if keep is not None:
            data["events"] = data["events"][:keep]
        path = directory / f"{data['household']['id']}.json"
        path.write_text(json.dumps(data))
        paths.append(path)
    return paths


def table(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT * FROM events ORDER BY position").fetchall()
    finally:
        con.close()


def both(tmp_path: Path, paths, prepare=None, **kw):
    """Import ``paths`` with one process and with two workers into two fresh ledgers."""
    out: dict[int, tuple[list, list]] = {}
    for jobs in (1, 2):
        db = tmp_path / f"jobs{jobs}.db"
        store = open_store(str(db))
        try:
            if prepare is not None:
                prepare(store)
            try:
                out[jobs] = (
                    import_files(store, paths, "tester", jobs=jobs, recorded_at=AT, **kw),
                    table(db),
                )
            except InvalidInput as exc:
                out[jobs] = (exc.problems, table(db))
        finally:
            store.close()
    return out[1], out[2]


def test_same_rows_same_order_same_results(tmp_path):
    paths = write_households(tmp_path / "files", 0, 40)
    (one, rows_one), (two, rows_two) = both(tmp_path, paths)
    assert len(rows_one) > 1000 and rows_two == rows_one  # every column, position included
    assert two == one and [r.household for r in two] == [p.stem for p in paths]


def test_households_already_stored_are_chained_after_their_heads(tmp_path):
    paths = write_households(tmp_path / "files", 0, 24)
    shorter = write_households(tmp_path / "earlier", 0, 8, keep=10)

    def prepare(store):
        import_files(store, shorter, "tester", recorded_at=AT)

    (one, rows_one), (two, rows_two) = both(tmp_path, paths, prepare)
    assert rows_two == rows_one
    assert two == one and any(r.skipped for r in two) and all(r.added for r in two)


def test_every_problem_of_every_file_and_nothing_stored(tmp_path):
    paths = write_households(tmp_path / "files", 0, 40)
    bad = json.loads(paths[5].read_text())
    bad["events"][0]["amount"] = "60.001"
    paths[5].write_text(json.dumps(bad, indent=1))
    (one, rows_one), (two, rows_two) = both(tmp_path, [tmp_path / "files"])
    assert rows_one == rows_two == []
    assert two == one and len(one) == 1
    assert one[0].file == str(paths[5]) and "more than two decimals" in one[0].message
    assert one[0].line is not None  # read again with line numbers


def test_parallel_import_of_one_household_in_two_files_says_how(tmp_path):
    """One process imports a household's files together (test_import_many); the workers
    take one file per household and say so."""
    paths = write_households(tmp_path / "files", 0, 40)
    twin = tmp_path / "files" / "zz-twin.json"  # a second file of household hh000031
    twin.write_text(paths[31].read_text())
    (_, rows_one), (two, rows_two) = both(tmp_path, [tmp_path / "files"])
    assert rows_one and rows_two == []
    assert two[0].file == str(twin) and "household 'hh000031' is also in" in two[0].message
    assert "--jobs 1" in two[0].message


def test_dry_run_stores_nothing(tmp_path):
    paths = write_households(tmp_path / "files", 0, 20)
    (one, rows_one), (two, rows_two) = both(tmp_path, paths, dry_run=True)
    assert rows_one == rows_two == [] and two == one and all(r.dry_run for r in two)


def test_a_household_created_since_the_workers_read_it_is_a_conflict(tmp_path):
    from tests.store.helpers import contributions

    store = open_store(str(tmp_path / "l.db"))
    try:
        import_files(store, write_households(tmp_path / "a", 0, 1, 5), "tester")
        version = store.version("hh000000")
        encode = store.row_encoder("tester", AT)
        new = contributions("x", 2)
        with pytest.raises(ConcurrencyConflict):
            with store.bulk_import() as bulk:  # workers saw no hh000000
                bulk.write([encode("hh000000", 0, GENESIS, new)])
        with pytest.raises(ConcurrencyConflict):  # saw it at an older head
            with store.bulk_import() as bulk:
                bulk.write([encode("hh000000", version - 1, GENESIS, new)])
        assert store.version("hh000000") == version and store.verify() == []
    finally:
        store.close()


def test_auto_jobs_only_for_large_imports_into_a_sqlite_file(tmp_path, monkeypatch):
    import ledger.app.importing as importing

    paths = write_households(tmp_path / "files", 0, 4, 10)
    store = open_store(str(tmp_path / "l.db"))
    memory = open_store("sqlite://")
    try:
        monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
        assert auto_jobs(store, paths) == 1  # small files
        monkeypatch.setattr(importing, "PARALLEL_BYTES", 100)
        assert auto_jobs(store, paths) == 2
        assert auto_jobs(store, paths[:1]) == 1  # one file
        assert auto_jobs(memory, paths) == 1  # workers cannot see an in-memory database
        monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0}, raising=False)
        assert auto_jobs(store, paths) == 1  # one core
    finally:
        store.close()
        memory.close()


def test_cli_jobs_option(run, tmp_path):
    files = tmp_path / "files"
    write_households(files, 0, 30, 20)
    result = run("import", "--jobs", "2", files)
    assert result.exit_code == 0, result.output
    assert "into 30 households" in result.output
    again = run("import", "-j", "2", files)
    assert again.exit_code == 0 and "imported 0 events" in again.output
    assert run("verify").output.startswith("ok: ")


def _processes_naming(needle: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find worker processes")
def test_sigkill_mid_parallel_import_leaves_the_ledger_and_no_workers(tmp_path, monkeypatch):
    import random

    from tests.store.helpers import REPO, cli_argv, cli_env, run_cli

    spool = tmp_path / "tmp"  # the imports' $TMPDIR: a killed one's spool is left here
    spool.mkdir()
    monkeypatch.setenv("TMPDIR", str(spool))
    db = tmp_path / "crash.db"
    url = str(db)
    seed = run_cli(url, "import", str(write_households(tmp_path / "seed", 0, 2)[0]))
    assert seed.returncode == 0, seed.stderr
    rng = random.Random(20261123)
    interrupted = left_behind = 0
    for r in range(4):
        files = tmp_path / f"files{r}"  # new households each round
        write_households(files, 1 + 300 * r, 300, 100)
        started = time.monotonic()  # to aim the kill: how long reading and checking take
        dry = run_cli(url, "import", "--dry-run", "--jobs", "2", str(files))
        dry_s = time.monotonic() - started
        assert dry.returncode == 0, dry.stderr
        adds = int(dry.stdout.split("would import ")[1].split()[0])
        before = table(db)
        child = subprocess.Popen(
            cli_argv(url, "import", "--jobs", "2", str(files)),
            cwd=REPO,
            env=cli_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        time.sleep(rng.uniform(0.3, 0.8) * dry_s)
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
        deadline = time.monotonic() + 10
        while _processes_naming(str(files)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _processes_naming(str(files)) == [], "a worker outlived the killed import"
        after = table(db)
        if child.returncode == -signal.SIGKILL and after == before:
            interrupted += 1
        else:  # the kill came after the commit: the whole import is there
            assert after[: len(before)] == before and len(after) == len(before) + adds
        check = run_cli(url, "verify")
        assert check.returncode == 0 and check.stdout.startswith("ok: "), check.stderr
        left_behind += len(list(spool.iterdir()))
    assert interrupted > 0, "every import committed before its kill: nothing was tested"
    done = run_cli(url, "import", "--jobs", "2", str(files))
    assert done.returncode == 0, done.stderr
    assert len(table(db)) > len(before)
    # the kills left spool directories (clients' rows) behind; the next import removed them
    assert left_behind > 0 and list(spool.iterdir()) == []


def test_a_spool_file_that_cannot_be_written_is_one_clear_error(tmp_path, monkeypatch):
    import contextlib

    import ledger.app.parallel_import as parallel
    from ledger.store.api import StoreError

    @contextlib.contextmanager
    def unusable(directory=None):
        yield "/dev/null/spool"  # not a directory: every write fails

    monkeypatch.setattr(parallel, "spool", unusable)
    paths = write_households(tmp_path / "files", 0, 20, 10)
    store = open_store(str(tmp_path / "l.db"))
    try:
        with pytest.raises(StoreError, match="cannot write the import's spool file"):
            import_files(store, paths, "tester", jobs=2)
        assert store.households() == []
    finally:
        store.close()


_HEAD_TEXT = st.text(st.sampled_from(list(' \t\n\r:"hisotryHx{}-\ufffd')), max_size=40)


@given(
    before=_HEAD_TEXT, after=_HEAD_TEXT, word=st.sampled_from(["history", "histor", "", "History"])
)
@settings(max_examples=300, deadline=None)
def test_history_sniff_agrees_with_the_search(before, after, word):
    """The with-history sniff skips the search on a start without the word: the same
    answer as the search itself, on starts built around it."""
    head = before + word + after
    assert _history_head(head) == (re.search(_HISTORY_HEAD, head, re.M) is not None)


def test_history_sniff_finds_an_export_and_not_a_firm_file(tmp_path):
    from ledger.app.importing import _sniff_history

    yaml_export = tmp_path / "a.yaml"
    yaml_export.write_text("version: 1\nhousehold: a\nhistory:\n  - {}\n")
    json_export = tmp_path / "b.json"
    json_export.write_text('{"version": 1,\n  "history": []}')
    [plain] = write_households(tmp_path / "plain", 0, 1)
    assert _sniff_history(yaml_export) and _sniff_history(json_export)
    assert not _sniff_history(plain) and not _sniff_history(tmp_path / "missing.json")


_START_BYTES = st.lists(
    st.sampled_from(
        [b"history", b"histor", b"y", b"History", b"\n", b" ", b'"', b":", b"h", b"{", b"x" * 97]
        + [b"\xe2", b"\x82", b"\xac", b"\xff", b"\xc3\xa9", b"\xf0\x9f\x98", b"\x00"]
    ),
    max_size=120,
)


@given(
    parts=_START_BYTES,
    at=st.one_of(st.integers(0, 4200), st.integers(4080, 4100)),
    word=st.sampled_from([b"\nhistory:", b'\n  "history" :', b"history", b"\nHistory:", b""]),
    tail=_START_BYTES,
)
@settings(max_examples=300, deadline=None)
def test_history_sniff_agrees_with_the_reference(tmp_path_factory, parts, at, word, tail):
    """The sniff (system calls, the bytes searched first) gives the reference's answer
    (a buffered read, decoded, searched) on starts of every kind: the word anywhere,
    before, across and after the 4,096th byte, beside bytes UTF-8 refuses or splits."""
    from ledger.app.importing import _sniff_history, reference_sniff_history

    path = tmp_path_factory.mktemp("sniff") / "f.yaml"
    start = (b"".join(parts) * (1 + at // max(1, len(b"".join(parts))))).ljust(at, b".")[:at]
    path.write_bytes(start + word + b"".join(tail))
    assert _sniff_history(path) == reference_sniff_history(path)


def test_history_sniff_of_what_is_not_a_readable_file_is_the_reference_s(tmp_path):
    from ledger.app.importing import _sniff_history, reference_sniff_history

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen(  # a short first read: the rest is read on
        [
            sys.executable,
            "-c",
            f"import time; f = open({str(fifo)!r}, 'wb', 0); "
            "f.write(b'v' * 3000); time.sleep(0.2); f.write(b'\\nhistory: []\\n')",
        ]
    )
    assert _sniff_history(fifo)
    writer.wait()
    for odd in (tmp_path, tmp_path / "missing.yaml", fifo.with_name("nothing")):
        assert _sniff_history(odd) == reference_sniff_history(odd) is False


def _parallel(tmp_path: Path, name: str, paths, prepare=None) -> tuple[list, list]:
    db = tmp_path / f"{name}.db"
    store = open_store(str(db))
    try:
        if prepare is not None:
            prepare(store)
        try:
            results: list = import_files(store, paths, "tester", jobs=2, recorded_at=AT)
        except InvalidInput as exc:
            results = exc.problems
        return results, table(db)
    finally:
        store.close()


@pytest.mark.parametrize("first", ["new", "stored", "bad"])
def test_the_first_file_planned_before_the_fork_changes_nothing(tmp_path, monkeypatch, first):
    """parallel_import._warm plans the first file in this process before forking (its
    result dropped): the rows, results and problems are those of the workers alone
    (WARM_BEFORE_FORK = False, the reference) -- a first file of a new household, of a
    stored one, a bad one."""
    from ledger.app import parallel_import

    paths = write_households(tmp_path / "files", 0, 20)
    prepare = None
    if first == "stored":
        shorter = write_households(tmp_path / "earlier", 0, 1, keep=10)

        def prepare(store):
            import_files(store, shorter, "tester", recorded_at=AT)

    if first == "bad":  # and another: every file's problems are still listed
        for path in (paths[0], paths[3]):
            bad = json.loads(path.read_text())
            bad["events"][0]["amount"] = "60.001"
            path.write_text(json.dumps(bad, indent=1))
    out = {}
    for warm in (True, False):
        monkeypatch.setattr(parallel_import, "WARM_BEFORE_FORK", warm)
        out[warm] = _parallel(tmp_path, f"warm{warm}", paths, prepare)
    assert out[True] == out[False]
    assert (out[True][1] == []) == (first == "bad")


def test_the_first_file_is_planned_once_before_the_fork(tmp_path, monkeypatch):
    """The warm-up happens: the parent plans the first (small, regular) file itself, and
    only that one; the workers then plan every file."""
    from ledger.app import importing, parallel_import

    paths = write_households(tmp_path / "files", 0, 4)
    here: list[str] = []
    plan = importing._plan_ordinary
    parent = os.getpid()

    def counted(store, path, existing=None):
        if os.getpid() == parent:
            here.append(str(path))
        return plan(store, path, existing)

    monkeypatch.setattr(importing, "_plan_ordinary", counted)
    _parallel(tmp_path, "counted", paths)
    assert here == [str(paths[0])]
    monkeypatch.setattr(parallel_import, "WARM_BYTES", 10)
    here.clear()
    _parallel(tmp_path, "large", paths)
    assert here == []


def test_a_first_file_that_is_not_a_regular_file_is_not_planned_before_the_fork(tmp_path):
    """A FIFO (no writer: reading it would block) is left to its worker."""
    import threading

    from ledger.app import importing, parallel_import

    fifo = tmp_path / "a.json"
    os.mkfifo(fifo)
    store = open_store(str(tmp_path / "l.db"))
    try:
        done = threading.Thread(
            target=parallel_import._warm,
            args=(store, importing._plan_ordinary, None, fifo, set()),
            daemon=True,
        )
        done.start()
        done.join(timeout=20)
        assert not done.is_alive()
    finally:
        store.close()


def test_a_fifo_among_the_files_is_read_once_by_one_process(tmp_path):
    """A FIFO (a shell's ``<(...)``) can be read only once: with ``--jobs 2`` the
    with-history sniff took its start and the worker then waited for the rest for
    ever (found by QA). Now a file that is not a regular file sends the import to the
    one process: both households are stored, the FIFO read once."""
    plain = write_households(tmp_path / "files", 0, 3)
    fifo = tmp_path / "piped.json"
    os.mkfifo(fifo)
    other = write_households(tmp_path / "other", 3, 1)[0].read_bytes()
    writer = subprocess.Popen([sys.executable, "-c", f"open({str(fifo)!r}, 'wb').write({other!r})"])
    db = tmp_path / "fifo.db"
    done = subprocess.run(
        [sys.executable, "-m", "cli", "--db", str(db), "import", "--jobs", "2", *map(str, plain)]
        + [str(fifo)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    writer.wait(timeout=10)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("imported ") == 4 and "hh000003" in done.stdout
    households = sqlite3.connect(db).execute("SELECT count(DISTINCT household) FROM events")
    assert households.fetchone()[0] == 4
