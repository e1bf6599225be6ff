"""The parallel import's workers (``parallel_import._Workers``: forked, fed through pipes,
no thread in the importing process) spool what the reference
(``parallel_import.reference_spooled``: a ``multiprocessing`` pool's ``imap``) spools --
the same chunks' results (rows, problems, warnings), in the same order -- and raise a
worker's exception as it does; a worker that dies is an error, not a wait for ever. The stored
rows of a whole parallel import are compared with the one-process import's in
tests/test_import_parallel.py and tests/store/test_parallel_import_backends.py."""

from __future__ import annotations

import json
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ledger.app.parallel_import as parallel
from ledger.app.importing import _plan_ordinary, import_files
from ledger.errors import InvalidInput, Problem
from ledger.store import open_store
from ledger.store.api import StoreError

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from generate import household  # noqa: E402

AT = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
FILES = 40


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    """A ledger holding two of the households (their first events), and the files of
    ``FILES`` households -- every fifth one not valid -- with a second file of one."""
    base = tmp_path_factory.mktemp("workers")
    paths = []
    for i in range(FILES):
        data = household(i, 12)
        if i % 5 == 3:
            data["events"][0]["amount"] = "60.001"  # more than two decimals: refused
        path = base / f"h{i:03d}.json"
        path.write_text(json.dumps(data, default=str), encoding="utf-8")
        paths.append(path)
    (base / "h999.json").write_text(paths[7].read_text(), encoding="utf-8")  # a twin
    paths.append(base / "h999.json")
    store = open_store(str(base / "ledger.db"))
    earlier = base / "earlier"
    earlier.mkdir()
    for i in (1, 6):
        data = household(i, 12)
        data["events"] = data["events"][:4]
        (earlier / f"h{i}.json").write_text(json.dumps(data, default=str), encoding="utf-8")
    import_files(store, sorted(earlier.iterdir()), "tester", recorded_at=AT)
    yield store, paths, base
    store.close()


def spooled_bytes(names) -> list:
    """Each spool file's results, the packed batches unpacked (``marshal``'s bytes may
    differ with the objects' reference counts: the rows may not)."""
    out = []
    for name in names:
        chunk = parallel._unspool(name)
        out.append(
            [
                (
                    index,
                    None if planned is None else (*planned[:4], parallel._unpacked(planned[4])),
                    problems,
                )
                for index, planned, problems in chunk
            ]
        )
    return out


def run_both(store, paths, base, size, count, plan=_plan_ordinary, dry_run=False):
    numbered = list(enumerate(paths))
    chunks = [numbered[i : i + size] for i in range(0, len(numbered), size)]
    encode = None if dry_run else store.row_encoder("tester", AT)
    existing = set(store.households())
    out = []
    for which in ("reference", "workers"):
        with parallel.spool(str(base)) as spool_dir:
            setup = (store, plan, encode, existing, spool_dir, os.getpid())
            try:
                if which == "reference":
                    out.append(spooled_bytes(parallel.reference_spooled(chunks, setup, count)))
                else:
                    with parallel._Workers(count, chunks, setup) as workers:
                        out.append(spooled_bytes(workers.spooled()))
            except Exception as exc:  # the same exception, as the pool raised it
                out.append([type(exc).__name__, str(exc)])
    return out


@given(
    size=st.integers(1, 17),
    count=st.integers(1, 4),
    take=st.integers(1, FILES + 1),
    dry_run=st.booleans(),
)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_workers_spool_what_the_pool_spools_in_the_same_order(
    ledger, size, count, take, dry_run
):
    store, paths, base = ledger
    reference, workers = run_both(store, paths[-take:], base, size, count, dry_run=dry_run)
    assert workers == reference and len(workers) == -(-take // size)


def _failing_plan(store, path, existing=None):
    if Path(path).name == "h011.json":
        raise ValueError(f"cannot plan {Path(path).name}")
    return _plan_ordinary(store, path, existing)


@pytest.mark.parametrize("count", [1, 3])
def test_a_workers_exception_is_raised_here_as_the_pool_raised_it(ledger, count):
    store, paths, base = ledger
    reference, workers = run_both(store, paths, base, 4, count, plan=_failing_plan)
    assert workers == reference == ["ValueError", "cannot plan h011.json"]


def test_a_spool_that_cannot_be_written_is_the_pools_error(ledger, monkeypatch):
    store, paths, base = ledger

    @__import__("contextlib").contextmanager
    def unusable(directory=None):
        yield "/dev/null/spool"  # not a directory: every write fails

    monkeypatch.setattr(parallel, "spool", unusable)
    reference, workers = run_both(store, paths[:8], base, 4, 2)
    assert workers == reference and workers[0] == "StoreError"
    assert "cannot write the import's spool file /dev/null/spool/chunk-0" in workers[1]


def _dying_plan(store, path, existing=None):
    if Path(path).name == "h013.json":
        os.kill(os.getpid(), signal.SIGKILL)
    return _plan_ordinary(store, path, existing)


def test_a_worker_that_dies_is_an_error_not_a_wait(ledger):
    store, paths, base = ledger
    numbered = list(enumerate(paths))
    chunks = [numbered[i : i + 4] for i in range(0, len(numbered), 4)]
    with parallel.spool(str(base)) as spool_dir:
        setup = (store, _dying_plan, None, set(), spool_dir, os.getpid())
        with pytest.raises(StoreError, match=r"ended unexpectedly \(signal 9\)"):
            with parallel._Workers(2, chunks, setup) as workers:
                for name in workers.spooled():
                    os.unlink(name)


def _quick_plan(store, path, existing=None):
    raise InvalidInput([Problem(str(path), None, None, "refused at once")])


def test_more_tasks_than_the_pipe_holds_are_all_given_out(ledger):
    """17,000 one-file tasks (68 KB of task records: more than a pipe's 64 KB), each
    refused at once: written as the pipe takes them."""
    store, paths, base = ledger
    numbered = [(i, paths[i % len(paths)]) for i in range(17_000)]
    chunks = [[item] for item in numbered]
    out = []
    for which in ("reference", "workers"):
        with parallel.spool(str(base)) as spool_dir:
            setup = (store, _quick_plan, None, set(), spool_dir, os.getpid())
            if which == "reference":
                out.append(spooled_bytes(parallel.reference_spooled(chunks, setup, 2)))
            else:
                with parallel._Workers(2, chunks, setup) as workers:
                    out.append(spooled_bytes(workers.spooled()))
    assert out[1] == out[0] and len(out[1]) == 17_000
