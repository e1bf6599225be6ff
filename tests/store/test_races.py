"""Racing writers lose nothing: 8 processes append at once (SQLite file, PostgreSQL)."""

from __future__ import annotations

import multiprocessing

import pytest

from ledger.store import open_store

from . import workers

PROCESSES = 8
APPENDS = 100


def _run(url: str, households: list[str]) -> list[tuple[int, int]]:
    open_store(url).close()  # create and migrate before the race
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(PROCESSES) as pool:
        return pool.starmap(
            workers.race,
            [(url, households[w], w, APPENDS) for w in range(PROCESSES)],
        )


@pytest.mark.slow
@pytest.mark.parametrize("shared", [True, False], ids=["one-household", "own-households"])
def test_racing_writers_lose_nothing(sql_backend, shared):
    households = ["shared"] * PROCESSES if shared else [f"h{w}" for w in range(PROCESSES)]
    results = _run(sql_backend.url, households)
    successes = sum(done for done, _ in results)
    assert successes == PROCESSES * APPENDS
    store = open_store(sql_backend.url)
    try:
        loaded = {h: store.load(h) for h in set(households)}
        assert sum(len(evs) for evs in loaded.values()) == successes
        for events in loaded.values():
            assert [s.version for s in events] == list(range(1, len(events) + 1))
        positions = [s.position for evs in loaded.values() for s in evs]
        assert len(set(positions)) == len(positions)
        if shared:  # a household's versions follow the global order
            shared_positions = [s.position for s in loaded["shared"]]
            assert shared_positions == sorted(shared_positions)
        else:
            assert all(conflicts == 0 for _, conflicts in results)
        assert store.verify() == []
    finally:
        store.close()
