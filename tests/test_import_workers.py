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


class _Text(str):
    """A str subclass: marshal refuses it, pickle keeps it."""


def _shape(value):
    """``value`` with each object's exact type beside it (== alone takes a list for a
    tuple and a str subclass for a str)."""
    if isinstance(value, (tuple, list)):
        return (type(value), [_shape(v) for v in value])
    return (type(value), value)


_CELL = st.one_of(
    st.none(), st.integers(-(2**70), 2**70), st.text(), st.builds(_Text, st.text(max_size=3))
)
_ROWS = st.lists(st.tuples(_CELL, _CELL, st.text(), st.integers(0, 10**6)), max_size=4)
_BATCH = st.one_of(
    st.none(), st.tuples(st.text(max_size=8), st.integers(0, 99), st.text(max_size=8), _ROWS)
)
_PLANNED = st.tuples(
    st.text(max_size=8), st.integers(0, 99), st.integers(0, 99), st.lists(st.text()), _BATCH
)
_PROBLEMS = st.lists(
    st.builds(
        Problem,
        st.text(max_size=8),
        st.none() | st.integers(1, 99),
        st.none() | st.text(max_size=5),
        st.text(),
    ),
    min_size=1,
    max_size=2,
)
_RESULT = st.one_of(
    st.tuples(st.integers(0, 10**4), _PLANNED, st.none()),
    st.tuples(st.integers(0, 10**4), st.none(), _PROBLEMS),
)


def _read_back(out, tmp_path, marshalled):
    name = tmp_path / f"chunk-{marshalled}"
    old = parallel.SPOOL_MARSHALLED
    parallel.SPOOL_MARSHALLED = marshalled
    try:
        name.write_bytes(parallel._spooled_bytes(out))
    finally:
        parallel.SPOOL_MARSHALLED = old
    first = name.read_bytes()[:1]
    chunk = parallel._unspool(str(name))
    assert not name.exists()
    unpacked = [  # only a packed batch is made again; every other object as it was read
        (index, (*planned[:4], parallel._unpacked(planned[4])), problems)
        if planned is not None and type(planned[4]) is bytes
        else entry
        for entry in chunk
        for index, planned, problems in [entry]
    ]
    return first, unpacked


@given(out=st.lists(_RESULT, max_size=5))
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_marshalled_spool_reads_back_what_the_pickled_reference_does(out, tmp_path):
    """A chunk's results spooled as one marshal (``SPOOL_MARSHALLED``) are read back as
    the reference's pickle with each batch marshalled on its own is: the same objects of
    the same types; a chunk marshal does not take (a problem, a str subclass) is the
    reference's pickle itself."""
    first, fast = _read_back(out, tmp_path, True)
    reference_first, reference = _read_back(out, tmp_path, False)
    assert (
        _shape(fast)
        == _shape(reference)
        == _shape([(i, None if p is None else tuple(p), q) for i, p, q in out])
    )
    assert reference_first == b"\x80"
    plain = all(q is None for _, _, q in out) and _Text not in {
        type(c) for _, p, _ in out if p is not None and p[4] is not None for r in p[4][3] for c in r
    }
    assert first == (parallel._MARSHALLED if plain else b"\x80")
