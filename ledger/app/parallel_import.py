"""A large import split over processes: workers validate and hash, this process inserts.

Profiling a 1,000,000-event import (README, "Where the time goes") shows that reading,
validating and hashing the files cost about four times the insert itself. So on a SQLite
ledger file with several files to import (:func:`ledger.app.importing.auto_jobs`):

1. this process takes a snapshot of the stored household ids, then forks ``jobs``
   workers (``fork``: they start in milliseconds, with every module already loaded);
2. it opens ONE write transaction (``BEGIN IMMEDIATE``: other writers wait);
3. each worker takes chunks of files in turn and, per file, does exactly what the
   one-process import does (:func:`ledger.app.importing._plan`: read, validate against
   the file and the stored household, compute warnings), then chains the new events'
   rows after the household's stored head (``hashing.build_rows``) and writes them to a
   spool file in a private temporary directory (owner-only, removed at the end);
4. this process takes the chunks back in file order, checks each household is still at
   the head its rows were chained to, and inserts them -- while the workers go on with
   the next chunks.

Any problem in any file: every file is still read so that every problem is listed, then
the transaction is rolled back -- nothing is stored, as in the one-process import. The
rows, their order (global positions) and the results are those of the one-process import
(a test compares the two databases row by row). Killed at any moment, the transaction is
never committed; the workers die with this process (``PR_SET_PDEATHSIG`` on Linux); only
the spool directory may be left behind in the temporary directory.
"""

from __future__ import annotations

import gc
import os
import pickle
import tempfile
from datetime import datetime
from pathlib import Path

from ..errors import InvalidInput
from ..store.api import StoreError
from ..store.hashing import build_sqlite_rows
from .forking import die_with_parent, fork_context
from .importing import ImportResult, Outcome, _plan

#: files per task: big enough that sending a chunk costs little, small enough that the
#: insert starts early and the workers stay evenly busy
CHUNK_FILES = 16


def import_parallel(
    store, files: list[Path], recorded_by: str, dry_run: bool, jobs: int, at: datetime
) -> list[ImportResult]:
    """Import ``files`` into ``store`` (a SqlStore on a SQLite file) with ``jobs`` workers."""
    existing = set(store.households())
    numbered = list(enumerate(files))
    chunks = [numbered[i : i + CHUNK_FILES] for i in range(0, len(numbered), CHUNK_FILES)]
    url = store.url.render_as_string(hide_password=False)
    outcome = Outcome()
    with tempfile.TemporaryDirectory(prefix="roth-ledger-import-") as spool:
        context = fork_context()
        with context.Pool(
            min(jobs, len(chunks)),
            initializer=_start,
            initargs=(url, existing, recorded_by, at, spool, os.getpid()),
        ) as pool:
            planned = map(_unspool, pool.imap(_plan_chunk, chunks))
            if dry_run:
                for chunk in planned:
                    _collect(chunk, files, outcome, dry_run)
                outcome.check()
                return outcome.results
            with store.bulk_writer(existing) as writer:
                for chunk in planned:
                    heads, rows = _collect(chunk, files, outcome, dry_run)
                    if not outcome.problems:  # after a problem, only keep listing problems
                        writer.insert(heads, rows)
                outcome.check()  # raises: the transaction rolls back
    return outcome.results


def _unspool(path: str) -> list[tuple]:
    """A chunk's results, from the file its worker wrote (see :func:`_plan_chunk`)."""
    with open(path, "rb") as spooled:
        chunk = pickle.load(spooled)
    os.unlink(path)
    return chunk


def _collect(chunk, files: list[Path], outcome: Outcome, dry_run: bool):
    """Record a chunk's results in ``outcome``; its households' heads and rows to insert."""
    heads, rows = [], []
    for index, planned, problems in chunk:
        if problems is not None:
            outcome.refused(problems)
            continue
        household, version, prev_hash, added, skipped, warnings, new_rows = planned
        if outcome.accept(files[index], household, added, skipped, warnings, dry_run) and added:
            heads.append((household, version, prev_hash))
            rows.extend(new_rows)
    return heads, rows


# --- worker side (a forked child) --------------------------------------------------

_WORKER: dict = {}


def _start(
    url: str, existing: set[str], recorded_by: str, at: datetime, spool: str, parent: int
) -> None:
    """Worker set-up: die with the parent, no cyclic GC (parsing builds no cycles), and
    remember what every file's plan needs. The parent's engine is left untouched: a
    worker that must read a stored household opens its own (:class:`_Reader`)."""
    die_with_parent(parent)
    gc.disable()
    _WORKER.update(
        reader=_Reader(url), existing=existing, recorded_by=recorded_by, at=at, spool=spool
    )


class _Reader:
    """The ledger, opened on first use (only files of already-stored households need it)."""

    def __init__(self, url: str):
        self.url = url
        self.store = None

    def load(self, household: str):
        if self.store is None:
            from ..store import open_store

            self.store = open_store(self.url, read_only=True)
        return self.store.load(household)


def _plan_chunk(chunk: list[tuple[int, Path]]) -> str:
    """Plan each file of ``chunk``; write the results to a file in the spool directory
    and return its name. Per file: (index, (household, version, prev_hash, added,
    skipped, warnings, rows), None), or (index, None, problems).

    A file, not the pool's pipe: a chunk's rows are megabytes, and a worker sending them
    through a 64 KiB pipe would wait on the inserting process's result thread, which
    shares that process's GIL with the inserts."""
    out = []
    for index, path in chunk:
        try:
            plan = _plan(_WORKER["reader"], path, _WORKER["existing"])
        except InvalidInput as exc:
            out.append((index, None, exc.problems))
            continue
        rows = build_sqlite_rows(
            plan.household,
            plan.version,
            plan.prev_hash,
            plan.new,
            _WORKER["recorded_by"],
            _WORKER["at"],
        )
        out.append(
            (
                index,
                (
                    plan.household,
                    plan.version,
                    plan.prev_hash,
                    len(plan.new),
                    plan.skipped,
                    plan.warnings,
                    rows,
                ),
                None,
            )
        )
    name = os.path.join(_WORKER["spool"], f"chunk-{chunk[0][0]}.pickle")
    try:
        with open(name, "wb") as spooled:
            pickle.dump(out, spooled, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError as exc:  # a full or read-only temporary directory: say so, in one line
        raise StoreError(
            f"cannot write the import's spool file {name}: {exc.strerror or exc}; "
            "set TMPDIR to a directory with room"
        ) from None
    return name
