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

The workers are forked and fed by :class:`_Workers` -- two pipes, no thread in this
process -- not by :class:`multiprocessing.pool.Pool` (:func:`reference_spooled`, the
reference): the pool's worker-handler thread wakes whenever a result is waiting for its
result-handler thread, so while this process is busy writing rows it spun ~4,400 times
in a 1,000-file import (~50 ms of this process's CPU, and the GIL taken from the
writer); and loading :mod:`multiprocessing` itself is ~35 M instructions.

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
import select
import shutil
import signal
import stat
import struct
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import InvalidInput, Problem
from ..store.api import EventStore, RowEncoder, StoreError
from .forking import die_with_parent, flush_output, fork_context, frozen_for_fork

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
    if WARM_BEFORE_FORK:
        _warm(store, plan, encode, files[0], existing)
    with spool() as spool_dir:
        setup = (store, plan, encode, existing, spool_dir, os.getpid())
        with _Workers(min(jobs, len(chunks)), chunks, setup) as workers:
            planned = map(_unspool, workers.spooled())
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


#: plan the first file here before forking (:func:`_warm`); False: the workers each do
#: their first-use work themselves (the reference the tests compare with)
WARM_BEFORE_FORK = True
#: the largest first file :func:`_warm` plans (a firm's files are about 8 KB)
WARM_BYTES = 64 * 1024


def _warm(
    store: EventStore,
    plan: Callable[..., Any],
    encode: RowEncoder | None,
    path: Path,
    existing: set[str],
) -> None:
    """Plan (and encode) ``path`` once in this process before the fork, the result
    dropped, so that what any process does on first use -- each kind's reader and
    encoder generated (:mod:`ledger.ledgerfile.fast`, :mod:`ledger.events`), the
    yearly tables loaded, ``ctypes`` imported for :func:`.forking.die_with_parent` --
    is done once, here, and inherited by every worker, instead of once in each (about
    10 ms a worker). Nothing is recorded and whatever it raises is dropped: the file's
    worker plans it again, as it would anyway, and reports what is wrong. Only a
    regular file of at most :data:`WARM_BYTES` is planned twice so (a FIFO read here
    would be read empty there; a large file would cost more than the workers save)."""
    import ctypes  # noqa: F401 -- loaded for the workers' die_with_parent

    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > WARM_BYTES:
            return
        planned = plan(store, path, existing)
        if encode is not None:
            encode(planned.household, planned.version, planned.prev_hash, planned.new)
    except Exception:  # noqa: BLE001, S110 -- the worker planning the file reports it
        pass


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
    """A chunk's results, from the file its worker wrote (see :func:`_plan_chunk`):
    ``marshal`` bytes after a :data:`_MARSHALLED` mark, else a pickle."""
    with open(path, "rb", buffering=0) as spooled:
        data = spooled.readall()
    os.unlink(path)
    if data[:1] == _MARSHALLED:
        return marshal.loads(memoryview(data)[1:])
    import pickle

    return pickle.loads(data)


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


#: a spool file whose first byte is this holds its chunk's results as ``marshal`` bytes
#: (a pickle's first byte is its PROTO opcode, 0x80)
_MARSHALLED = b"M"
#: spool a chunk as one ``marshal`` of its results, batches and all, when marshal takes
#: every object in them (plain tuples, lists, strings, numbers: a chunk without a
#: problem); False: always the reference's pickle, each batch marshalled on its own
#: (:func:`_packed`) -- the reference a test compares with
SPOOL_MARSHALLED = True


def _spooled_bytes(out: list[tuple]) -> bytes:
    """A chunk's results (the batches not packed) as its spool file holds them: one
    ``marshal`` after :data:`_MARSHALLED` (no pickle over marshal's bytes, written and
    read once, not copied into a pickle and out again; the parent reads each batch
    straight into the rows it writes), or, for a chunk marshal does not take all of (a
    problem is a :class:`Problem`) or with :data:`SPOOL_MARSHALLED` off, the pickle of
    the results with each batch :func:`_packed` (the reference)."""
    if SPOOL_MARSHALLED:
        try:
            return _MARSHALLED + marshal.dumps(out, MARSHAL_VERSION)
        except ValueError:  # an object marshal does not take
            pass
    import pickle  # loaded in this process before the fork (_Workers)

    packed = [
        (index, None if planned is None else (*planned[:4], _packed(planned[4])), problems)
        for index, planned, problems in out
    ]
    return pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL)


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
    encoded batch), None), or (index, None, problems), written as
    :func:`_spooled_bytes` says; on a dry run (no ``encode``) there is no batch.

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
            batch = encode(planned.household, planned.version, planned.prev_hash, planned.new)
        out.append(
            (
                index,
                (planned.household, len(planned.new), planned.skipped, planned.warnings, batch),
                None,
            )
        )
    name = _spool_name(_WORKER["spool"], chunk)
    data = _spooled_bytes(out)
    try:
        with os.fdopen(os.open(name, _CREATE, 0o600), "wb") as spooled:
            spooled.write(data)
    except OSError as exc:  # a full or read-only temporary directory: say so, in one line
        raise StoreError(
            f"cannot write the import's spool file {name}: {exc.strerror or exc}; "
            "set TMPDIR to a directory with room"
        ) from None
    return name


def _spool_name(spool: str, chunk: list[tuple[int, Path]]) -> str:
    """The spool file of a chunk's results (named by its first file's number)."""
    return os.path.join(spool, f"chunk-{chunk[0][0]}.pickle")


# --- the workers: forked, fed through pipes --------------------------------------------

#: a task, from this process to the workers: a chunk's number
_TASK = struct.Struct("=I")
#: tasks written at once: 512 bytes, POSIX's least PIPE_BUF, so each write is whole or
#: not made at all (a record is never cut in two between the workers reading them)
_TASKS_AT_ONCE = 512 // _TASK.size
#: a result, from a worker on its own pipe: the chunk's number, how it went
#: (:data:`_SPOOLED`, or :data:`_FAILED`: then the pickled exception and its traceback's
#: text follow, ``length`` bytes)
_DONE = struct.Struct("=IiI")
_SPOOLED, _FAILED = 0, 1


class _Workers:
    """``count`` forked workers planning ``chunks`` (:func:`_plan_chunk`), each set up by
    :func:`_start` with ``setup``. The tasks go out through one pipe that every worker
    reads (whoever is free takes the next chunk's number); each worker reports on a pipe
    of its own (a chunk's number once its spool file is written, or the exception it
    raised, which is raised here, as the pool raised it). No thread: this process reads
    the reports when it wants the next chunk (:meth:`spooled`). A worker that dies (its
    pipe at its end, the process ended other than by leaving) is an error, not a wait
    for ever."""

    def __init__(self, count: int, chunks: list[list[tuple[int, Path]]], setup: tuple):
        self.count, self.chunks, self.setup = count, chunks, setup
        self._pending = list(range(len(chunks)))[::-1]  # taken from the end: in order
        self._done: dict[int, tuple[int, bytes]] = {}
        self._reports: dict[int, tuple[int, bytearray]] = {}  # read end -> (pid, unread)
        self._tasks_w = -1

    def __enter__(self) -> _Workers:
        import pickle  # noqa: F401 -- loaded once, before the fork: every worker spools with it

        tasks_r, self._tasks_w = os.pipe()
        flush_output()
        try:
            with frozen_for_fork():
                for _ in range(self.count):
                    report_r, report_w = os.pipe()
                    pid = os.fork()
                    if pid == 0:  # the worker: never returns
                        _work(self.chunks, self.setup, tasks_r, report_w, self._inherited())
                    os.close(report_w)
                    self._reports[report_r] = (pid, bytearray())
        except BaseException:
            os.close(tasks_r)
            self._close(stop=True)
            raise
        os.close(tasks_r)
        os.set_blocking(self._tasks_w, False)
        self._feed()
        return self

    def _inherited(self) -> list[int]:
        """The descriptors a worker closes: the tasks' write end, the other reports."""
        return [self._tasks_w, *self._reports]

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self._close(stop=exc_type is not None)

    def spooled(self) -> Iterator[str]:
        """Each chunk's spool file, in chunk order, as soon as it is written."""
        for number, chunk in enumerate(self.chunks):
            while number not in self._done:
                self._wait()
            status, payload = self._done.pop(number)
            if status == _FAILED:
                _raise_failed(payload)
            yield _spool_name(self.setup[4], chunk)

    def _feed(self) -> None:
        """Write the tasks that fit into the pipe now; close it after the last one."""
        pending = self._pending
        while pending:
            batch = pending[-_TASKS_AT_ONCE:]
            try:
                os.write(self._tasks_w, b"".join(_TASK.pack(n) for n in reversed(batch)))
            except BlockingIOError:
                return
            del pending[-len(batch) :]
        if self._tasks_w >= 0:
            os.close(self._tasks_w)  # every task given: each worker leaves at the end
            self._tasks_w = -1

    def _wait(self) -> None:
        """Wait for reports (giving out tasks meanwhile); record them."""
        if not self._reports:
            raise StoreError("the import's worker processes ended before their work was done")
        writing = [self._tasks_w] if self._tasks_w >= 0 else []
        readable, writable, _ = select.select(list(self._reports), writing, [])
        if writable:
            self._feed()
        for fd in readable:
            pid, unread = self._reports[fd]
            data = os.read(fd, 1 << 16)
            if not data:  # the worker has left (or died)
                os.close(fd)
                del self._reports[fd]
                _, status = os.waitpid(pid, 0)
                if status != 0:
                    raise StoreError(
                        f"an import worker process ended unexpectedly ({_how(status)}); "
                        "nothing was stored"
                    )
                continue
            unread += data
            while len(unread) >= _DONE.size:
                number, outcome, length = _DONE.unpack_from(unread)
                if len(unread) < _DONE.size + length:
                    break
                self._done[number] = (outcome, bytes(unread[_DONE.size : _DONE.size + length]))
                del unread[: _DONE.size + length]

    def _close(self, stop: bool) -> None:
        """End the workers: they leave on their own once every task is given and taken;
        with ``stop`` (an error here) at once (SIGTERM). Then reap them."""
        if self._tasks_w >= 0:
            os.close(self._tasks_w)
            self._tasks_w = -1
        reports, self._reports = self._reports, {}
        for fd, (pid, _) in reports.items():
            os.close(fd)
            if stop:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
        for pid, _ in reports.values():
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _how(status: int) -> str:
    """A worker's wait status in words."""
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def _raise_failed(payload: bytes) -> None:
    """Raise the exception a worker reported (its traceback's text as the cause)."""
    import pickle

    exc, text = pickle.loads(payload)
    raise exc from _WorkerTraceback(text)


class _WorkerTraceback(Exception):
    """The traceback of an exception raised in a worker (as the pool's RemoteTraceback)."""

    def __str__(self) -> str:
        return f'\n"""\n{self.args[0]}"""'


def _work(chunks, setup: tuple, tasks_r: int, report_w: int, inherited: list[int]) -> None:
    """A worker's life: set up, then plan each chunk whose number it reads, reporting
    each; leave (``os._exit``) at the tasks' end of file, or at once on an interrupt."""
    code = 1
    try:
        for fd in inherited:
            os.close(fd)
        _start(*setup)
        while True:
            task = os.read(tasks_r, _TASK.size)  # written whole: all of a record, or none
            if len(task) < _TASK.size:
                break
            (number,) = _TASK.unpack(task)
            try:
                _plan_chunk(chunks[number])
                report = _DONE.pack(number, _SPOOLED, 0)
            except Exception as exc:
                payload = _failure(exc)
                report = _DONE.pack(number, _FAILED, len(payload)) + payload
            _write_all(report_w, report)
        code = 0
    finally:
        os._exit(code)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _failure(exc: Exception) -> bytes:
    """A worker's exception and its traceback's text, pickled (one that cannot come back
    whole is sent as a StoreError naming it)."""
    import pickle

    text = traceback.format_exc()
    try:
        payload = pickle.dumps((exc, text), protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(payload)
    except Exception:
        payload = pickle.dumps((StoreError(f"{type(exc).__name__}: {exc}"), text))
    return payload


def reference_spooled(
    chunks: list[list[tuple[int, Path]]], setup: tuple, count: int
) -> Iterator[str]:
    """The reference for :class:`_Workers`: the same chunks' spool files, in order, from a
    :class:`multiprocessing.pool.Pool` of ``count`` workers set up the same way."""
    context = fork_context()
    with frozen_for_fork():
        pool = context.Pool(count, initializer=_start, initargs=setup)
    with pool:
        yield from pool.imap(_plan_chunk, chunks)
