"""A large import split over processes: workers validate and encode, this process writes.

Profiling a 1,000,000-event import (README, "Where the time goes") shows that reading,
validating and hashing the files cost about four times the insert itself. So on a store
that can take it (``store.capabilities.concurrent_import``: a SQLite file, PostgreSQL)
with several files to import (:func:`ledger.app.importing.auto_jobs`):

1. this process takes a snapshot of the stored household ids, then forks ``jobs``
   workers (``fork``: they start in milliseconds, with every module already loaded, and
   inherit the store object itself -- a worker that must read a stored household
   reopens the ledger from it, :meth:`~ledger.store.api.EventStore.reopen`; no URL or
   password is ever rendered or passed on);
2. it opens ONE write transaction (``store.bulk_import()``: other writers wait);
3. each worker takes chunks of files in turn and, per file, runs the one-process
   import's plan (read, validate against the file and the stored household, compute
   warnings: the ``plan`` function it is given), then has the store's row encoder
   (``store.row_encoder``) chain and encode the new events' rows after the household's
   stored head, and writes them to a spool file (0600) in a private spool directory
   (0700, ``$TMPDIR/roth-ledger-import-PID-*``, removed at the end: :func:`spool`);
4. this process takes the chunks back in file order and hands them to the bulk import,
   which checks each household is still at the head its rows were chained to and writes
   them -- while the workers go on with the next chunks.

Any problem in any file: every file is still read so that every problem is listed, then
the transaction is rolled back -- nothing is stored, as in the one-process import. The
rows, their order (global positions) and the results are those of the one-process import
(a test compares the two databases row by row). Killed at any moment, the transaction is
never committed; the workers die with this process (``PR_SET_PDEATHSIG`` on Linux); only
the spool directory may be left behind, and the next import removes it
(:func:`remove_leftovers`: each run holds an ``flock`` on its directory's lock file, which
the kernel releases when the run dies however it dies, so a directory whose lock can be
taken belongs to a dead run).

This module knows nothing of :mod:`ledger.app.importing` (which calls it): the plan and
the outcome it records into are handed in.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import marshal
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import InvalidInput, Problem
from ..store.api import EventStore, RowEncoder, StoreError
from .forking import die_with_parent, fork_context, frozen_for_fork

#: files per task: big enough that sending a chunk costs little, small enough that the
#: insert starts early and the workers stay evenly busy
CHUNK_FILES = 16


def import_parallel(
    store: EventStore,
    files: list[Path],
    plan: Callable[..., Any],
    outcome: Any,
    recorded_by: str,
    dry_run: bool,
    jobs: int,
    at: datetime,
) -> None:
    """Import ``files`` into ``store`` with ``jobs`` workers; each file's result or
    problems go into ``outcome`` (``accept``/``refused``/``check``, file order).
    ``plan(store, path, existing)`` validates one file (see ``importing._plan``)."""
    existing = set(store.households())
    numbered = list(enumerate(files))
    chunks = [numbered[i : i + CHUNK_FILES] for i in range(0, len(numbered), CHUNK_FILES)]
    encode = None if dry_run else store.row_encoder(recorded_by, at)  # a dry run writes no rows
    with spool() as spool_dir:
        context = fork_context()
        with frozen_for_fork():
            pool = context.Pool(
                min(jobs, len(chunks)),
                initializer=_start,
                initargs=(store, plan, encode, existing, spool_dir, os.getpid()),
            )
        with pool:
            planned = map(_unspool, pool.imap(_plan_chunk, chunks))
            if dry_run:
                for chunk in planned:
                    _collect(chunk, files, outcome, dry_run)
                outcome.check()
                return
            with store.bulk_import() as bulk:
                for chunk in planned:
                    batches = _collect(chunk, files, outcome, dry_run)
                    if not outcome.problems:  # after a problem, only keep listing problems
                        bulk.write([_unpacked(batch) for batch in batches])
                outcome.check()  # raises: the transaction rolls back


#: spool directories are named ``SPOOL_PREFIX + PID + "-" + random``, in ``$TMPDIR``
SPOOL_PREFIX = "roth-ledger-import-"
#: the file each run holds an ``flock`` on while its spool directory is in use
SPOOL_LOCK = "lock"
#: a spool directory without a lock file (an older roth-ledger's) is removed after this
UNLOCKED_STALE_SECONDS = 24 * 3600


@contextlib.contextmanager
def spool(directory: str | None = None) -> Iterator[str]:
    """A new private spool directory (0700) in ``directory`` (default ``$TMPDIR``),
    locked by this run and removed at the end; leftovers of dead runs are removed first."""
    remove_leftovers(directory)
    try:
        path = tempfile.mkdtemp(prefix=f"{SPOOL_PREFIX}{os.getpid()}-", dir=directory)
    except OSError as exc:
        raise StoreError(
            f"cannot create the import's spool directory: {exc.strerror or exc}; "
            "set TMPDIR to a directory with room"
        ) from None
    try:
        lock = os.open(os.path.join(path, SPOOL_LOCK), _CREATE, 0o600)
        try:
            _flock(lock, blocking=True)
            yield path
        finally:
            os.close(lock)
    finally:
        shutil.rmtree(path, ignore_errors=True)


def remove_leftovers(directory: str | None = None) -> int:
    """Remove the spool directories killed imports of this user left in ``directory``
    (default ``$TMPDIR``): those whose lock nobody holds. Returns how many."""
    base = directory or tempfile.gettempdir()
    removed = 0
    try:
        entries = os.scandir(base)
    except OSError:
        return 0
    with entries:
        for entry in entries:
            if not entry.name.startswith(SPOOL_PREFIX):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
                continue
            if _abandoned(entry.path, info.st_mtime):
                shutil.rmtree(entry.path, ignore_errors=True)
                removed += 1
    return removed


def _abandoned(path: str, mtime: float) -> bool:
    """Whether the run that made spool directory ``path`` is gone."""
    try:
        lock = os.open(os.path.join(path, SPOOL_LOCK), os.O_RDWR | _NOFOLLOW)
    except FileNotFoundError:  # an older roth-ledger's, or one a moment from its lock
        return time.time() - mtime > UNLOCKED_STALE_SECONDS
    except OSError:
        return False
    try:
        return _flock(lock, blocking=False)
    finally:
        os.close(lock)


def _flock(fd: int, blocking: bool) -> bool:
    """Take an exclusive ``flock`` on ``fd``; False if another process holds it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
#: a spool file: new, owner-only, never through a symbolic link
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW


def _unspool(path: str) -> list[tuple]:
    """A chunk's results, from the file its worker wrote (see :func:`_plan_chunk`)."""
    import pickle  # loaded already with multiprocessing (fork_context) before the fork

    with open(path, "rb") as spooled:
        chunk = pickle.load(spooled)
    os.unlink(path)
    return chunk


def _collect(chunk, files: list[Path], outcome, dry_run: bool) -> list:
    """Record a chunk's results in ``outcome``; the encoded batches to write (packed:
    :func:`_unpacked`)."""
    batches = []
    for index, planned, problems in chunk:
        if problems is not None:
            outcome.refused(problems)
            continue
        household, added, skipped, warnings, batch = planned
        if outcome.accept(files[index], household, added, skipped, warnings, dry_run) and added:
            batches.append(batch)
    return batches


#: the ``marshal`` format of a spooled batch (4: back-references for the rows' repeated
#: household, time and author, so they are written and read once a batch; measured a
#: little cheaper than 2, which writes them again each row)
MARSHAL_VERSION = 4


def _packed(batch: Any) -> Any:
    """An encoded batch as a spool file carries it: ``marshal`` bytes -- about a third of
    pickle's CPU to write, as fast to read, for the plain tuples, strings and numbers a
    store's row encoder makes -- or the batch itself (pickled with the rest of the chunk)
    if it holds anything else."""
    try:
        return marshal.dumps(batch, MARSHAL_VERSION)
    except ValueError:  # an object marshal does not take (a str subclass, say)
        return batch


def _unpacked(packed: Any) -> Any:
    """The batch :func:`_packed` packed (an encoded batch is a tuple, never bytes)."""
    return marshal.loads(packed) if type(packed) is bytes else packed


# --- worker side (a forked child) --------------------------------------------------

_WORKER: dict = {}


def _start(
    store: EventStore,
    plan: Callable[..., Any],
    encode: RowEncoder | None,
    existing: set[str],
    spool: str,
    parent: int,
) -> None:
    """Worker set-up: die with the parent, no cyclic GC (parsing builds no cycles), and
    remember what every file's plan needs. The parent's store (inherited by the fork) is
    left untouched: a worker that must read a stored household reopens it
    (:class:`_Reader`)."""
    die_with_parent(parent)
    gc.disable()
    _WORKER.update(reader=_Reader(store), plan=plan, encode=encode, existing=existing, spool=spool)


class _Reader:
    """The ledger, reopened on first use (only files of already-stored households need it)."""

    def __init__(self, parent: EventStore):
        self.parent = parent
        self.store: EventStore | None = None

    def load_checked(self, household: str):
        if self.store is None:
            self.store = self.parent.reopen()
        return self.store.load_checked(household)


def _plan_chunk(chunk: list[tuple[int, Path]]) -> str:
    """Plan each file of ``chunk``; write the results to a file in the spool directory
    and return its name. Per file: (index, (household, added, skipped, warnings,
    encoded batch), None), or (index, None, problems). The batch is packed
    (:func:`_packed`); on a dry run (no ``encode``) there is none.

    A file, not the pool's pipe: a chunk's rows are megabytes, and a worker sending them
    through a 64 KiB pipe would wait on the inserting process's result thread, which
    shares that process's GIL with the inserts."""
    out: list[tuple[int, tuple | None, list[Problem] | None]] = []
    plan, encode = _WORKER["plan"], _WORKER["encode"]
    for index, path in chunk:
        try:
            planned = plan(_WORKER["reader"], path, _WORKER["existing"])
        except InvalidInput as exc:
            out.append((index, None, exc.problems))
            continue
        batch = None
        if encode is not None:
            batch = _packed(
                encode(planned.household, planned.version, planned.prev_hash, planned.new)
            )
        out.append(
            (
                index,
                (planned.household, len(planned.new), planned.skipped, planned.warnings, batch),
                None,
            )
        )
    name = os.path.join(_WORKER["spool"], f"chunk-{chunk[0][0]}.pickle")
    import pickle  # loaded already with multiprocessing (fork_context) before the fork

    try:
        with os.fdopen(os.open(name, _CREATE, 0o600), "wb") as spooled:
            pickle.dump(out, spooled, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError as exc:  # a full or read-only temporary directory: say so, in one line
        raise StoreError(
            f"cannot write the import's spool file {name}: {exc.strerror or exc}; "
            "set TMPDIR to a directory with room"
        ) from None
    return name
