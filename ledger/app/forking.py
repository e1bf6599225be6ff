"""Worker processes by ``fork``: the parallel import and the parallel batch report.

A forked worker starts in milliseconds with every module already loaded (a fresh
interpreter takes about 0.4 s to import the CLI's dependencies, which is what a
``python -m`` worker cost). Rules every worker here follows:

* it never touches the parent's database connections: it reopens the store it inherited
  (``store.reopen()``, from the store's own configuration -- no URL or password is
  rendered or passed to it), and only stores whose ``capabilities`` say so are shared;
* it dies with its parent (``PR_SET_PDEATHSIG`` on Linux), so a killed import or report
  leaves no orphan behind;
* the parent flushes its own output before forking, so that nothing buffered is written
  twice, and a worker leaves with ``os._exit`` (no second flush, no parent's atexit);
* the forks are made under :func:`frozen_for_fork`: what the parent holds at that moment
  (every module, class and function of the libraries; in a benchmark or the web desk,
  whatever else it keeps) is in the collector's permanent generation in the worker, so
  the worker's full collections never walk it (nor write to its pages, which the fork
  shares until written). Measured at 300 households, one full collection in the batch's
  worker: ~33 ms, and one in the parent. The parent's own objects go back to its
  collector right after the forks.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from collections.abc import Iterator


def fork_context():
    """The ``fork`` start method's context (after the parent's output is flushed).
    :mod:`multiprocessing` is imported here, by the first command that forks: loading
    it (pickle, socket, its context machinery) was ~35 M instructions of the start-up of
    every command that imports this module and never forks (an import of a few files,
    one process)."""
    import multiprocessing

    flush_output()
    return multiprocessing.get_context("fork")


def flush_output() -> None:
    """Flush this process's standard output and error (before a fork: nothing buffered
    is then written twice)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


@contextlib.contextmanager
def frozen_for_fork() -> Iterator[None]:
    """Fork the workers inside: ``gc.freeze()`` before, ``gc.unfreeze()`` after (the
    Python documentation's advice for ``fork`` without ``exec``, gc.freeze)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def die_with_parent(parent: int) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux); exit now if
    the parent is already gone."""
    try:
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent's own shutdown still applies
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the OS says, else all)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
