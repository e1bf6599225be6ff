"""The bulk import and the other parts of the storage boundary (ledger.store.api), on every
backend: rows a store's own encoder builds are the reference rows (``hashing.build_rows``,
whose chain ``verify`` checks), a bulk import is all or nothing and refuses stale heads,
households come back in shares that cover the ledger, and each store says what it can do."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from ledger.events import canonical_json, to_payload
from ledger.store import ConcurrencyConflict, open_store
from ledger.store.api import Capabilities
from ledger.store.hashing import GENESIS, build_rows

from .helpers import contribution, contributions

AT = datetime(2026, 11, 23, 12, 0, 0, 123456, tzinfo=UTC)


def test_bulk_import_stores_the_reference_rows(store):
    events = contributions("a", 5)
    encode = store.row_encoder("importer", AT)
    with store.bulk_import() as bulk:
        assert bulk.write([encode("a", 0, GENESIS, events)]) == 5
    reference = build_rows("a", 0, GENESIS, events, "importer", AT)
    stored = store.load("a")
    assert [s.event for s in stored] == events
    assert [(s.version, s.prev_hash, s.hash, s.recorded_at, s.recorded_by) for s in stored] == [
        (r["version"], r["prev_hash"], r["hash"], r["recorded_at"], r["recorded_by"])
        for r in reference
    ]
    more = [contribution("later")]
    with store.bulk_import() as bulk:  # chained after the stored head
        bulk.write([encode("a", 5, stored[-1].hash, more)])
    assert store.version("a") == 6 and store.verify() == []


def test_text_that_needs_escaping_round_trips(store):
    # COPY's text format (PostgreSQL) escapes backslash, tab, newline and CR
    odd = "tab\tback\\slash\nnew\rline"
    event = dataclasses.replace(contribution(f"id-{odd}"), source=f'box 10 {odd} "quoted"')
    [stored] = store.append(f"house {odd}", 0, [event], f"by {odd}")
    [loaded] = store.load(f"house {odd}")
    assert loaded == stored and loaded.event == event and loaded.recorded_by == f"by {odd}"
    assert canonical_json(to_payload(loaded.event)) == canonical_json(to_payload(event))
    assert store.verify() == []


def test_a_failed_bulk_import_stores_nothing(store):
    store.append("a", 0, contributions("a", 2), "me")
    encode = store.row_encoder("importer", AT)
    with pytest.raises(RuntimeError):
        with store.bulk_import() as bulk:
            bulk.write([encode("b", 0, GENESIS, contributions("b", 3))])
            raise RuntimeError("a bad file further on")
    with pytest.raises(ConcurrencyConflict):
        with store.bulk_import() as bulk:
            bulk.write([encode("c", 0, GENESIS, contributions("c", 3))])
            bulk.write([encode("a", 1, GENESIS, contributions("x", 1))])  # a is at 2
    assert store.households() == ["a"] and store.version("a") == 2 and store.verify() == []


def test_household_shares_cover_every_household_in_order(store):
    for h in ("a", "b", "c", "d", "e"):
        store.append(h, 0, contributions(h, 6), "me")
    for parts in (1, 2, 3, 5, 8):
        shares = store.household_shares(parts)
        assert 1 <= len(shares) <= parts and shares[0][0] is None and shares[-1][1] is None
        seen = [
            h for start, stop in shares for h, _ in store.iter_household_events(None, start, stop)
        ]
        assert seen == ["a", "b", "c", "d", "e"]


def test_capabilities(backend, tmp_path):
    store = backend.open()
    try:
        expected = {
            "memory": Capabilities(),
            "sqlite": Capabilities(reopen_in_fork=True, concurrent_import=True),
            "postgres": Capabilities(reopen_in_fork=True, concurrent_import=True),
        }[backend.name]
        assert store.capabilities == expected
        if expected.reopen_in_fork:
            store.append("a", 0, contributions("a", 1), "me")
            again = store.reopen()
            assert again.load("a") == store.load("a")
            again.close()
    finally:
        store.close()
    in_memory = open_store("sqlite://")
    assert in_memory.capabilities == Capabilities()  # no other process can see it
    in_memory.close()
