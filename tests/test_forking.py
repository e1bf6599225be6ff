"""Workers forked under ``forking.frozen_for_fork``: the parent's objects are in the
worker's permanent generation (its collections never walk them), and back in the
parent's collector once the workers are started."""

from __future__ import annotations

import gc
import os
import weakref

from ledger.app.forking import fork_context, frozen_for_fork


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def _say_frozen(fd: int) -> None:
    os.write(fd, str(gc.get_freeze_count()).encode())
    os._exit(0)


def test_the_worker_finds_the_parents_objects_frozen_and_the_parent_collects_them():
    held = _Cycle()
    alive = weakref.ref(held)
    read, write = os.pipe()
    try:
        with frozen_for_fork():
            worker = fork_context().Process(target=_say_frozen, args=(write,))
            worker.start()
        assert gc.get_freeze_count() == 0  # the parent's collector has them all again
        worker.join()
        assert worker.exitcode == 0
        assert int(os.read(read, 64)) > 1000  # every module, class, function... of ours
    finally:
        os.close(read)
        os.close(write)
    del held
    gc.collect()
    assert alive() is None  # a cycle the parent held before the fork is collected after


def test_an_error_while_forking_unfreezes_too():
    try:
        with frozen_for_fork():
            raise OSError("no more processes")
    except OSError:
        pass
    assert gc.get_freeze_count() == 0
