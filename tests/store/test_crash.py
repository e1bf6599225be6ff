"""A process killed mid-append leaves the ledger exactly as it was (SQLite, PostgreSQL)."""

from __future__ import annotations

import multiprocessing
import random

import pytest

from ledger.store import open_store

from . import workers
from .helpers import contributions

BATCH = 30_000
ROUNDS = 4


@pytest.mark.slow
def test_sigkill_mid_append_leaves_the_ledger_as_it_was(sql_backend):
    store = open_store(sql_backend.url)
    store.append("h", 0, contributions("before", 5), "me")
    store.close()
    ctx = multiprocessing.get_context("spawn")
    rng = random.Random(20240301)
    interrupted = 0
    for _ in range(ROUNDS):
        before = _snapshot(sql_backend.url)
        ready = ctx.Event()
        child = ctx.Process(target=workers.big_append, args=(sql_backend.url, "h", BATCH, ready))
        child.start()
        assert ready.wait(60), "child never got ready"
        child.join(timeout=rng.uniform(0.0, 1.5))
        if child.is_alive():
            child.kill()  # SIGKILL: no cleanup, no rollback from the child
            child.join()
        after = _snapshot(sql_backend.url)
        # all or nothing: the batch is either wholly there (committed before the kill) or
        # not at all, and the rows from before are untouched
        assert after[: len(before)] == before
        assert len(after) in (len(before), len(before) + BATCH)
        interrupted += len(after) == len(before)
        store = open_store(sql_backend.url)
        assert store.verify() == []
        store.close()
    assert interrupted > 0, "every child committed before its kill: nothing was tested"


def _snapshot(url: str) -> list[tuple[int, str, str]]:
    store = open_store(url)
    try:
        return [(s.version, s.event.id, s.hash) for s in store.load("h")]
    finally:
        store.close()
