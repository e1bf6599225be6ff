"""``append_many``: several households in one transaction (a multi-file import), on
memory, SQLite and PostgreSQL — all batches land, or none does."""

from __future__ import annotations

from datetime import UTC

import pytest

from ledger.store import ConcurrencyConflict, DuplicateEventId

from .helpers import contribution, contributions


def test_every_batch_lands_and_chains_continue(store):
    store.append("a", 0, contributions("old", 2), "me")
    n = store.append_many(
        [("a", 2, contributions("new", 3)), ("b", 0, contributions("x", 4))], "me"
    )
    assert n == 7
    assert [s.version for s in store.load("a")] == [1, 2, 3, 4, 5]
    assert [s.event.id for s in store.load("b")] == ["x0", "x1", "x2", "x3"]
    assert store.load("a")[2].prev_hash == store.load("a")[1].hash
    assert store.verify() == []


def test_a_stale_version_anywhere_stores_nothing(store):
    store.append("b", 0, contributions("b", 1), "me")
    with pytest.raises(ConcurrencyConflict) as caught:
        store.append_many([("a", 0, contributions("a", 3)), ("b", 0, contributions("y", 1))], "me")
    assert caught.value.household == "b" and caught.value.actual == 1
    assert store.version("a") == 0 and store.version("b") == 1


def test_a_taken_id_anywhere_stores_nothing(store):
    store.append("b", 0, [contribution("dup")], "me")
    with pytest.raises(DuplicateEventId):
        store.append_many([("a", 0, contributions("a", 2)), ("b", 1, [contribution("dup")])], "me")
    assert store.households() == ["b"] and store.version("b") == 1


def test_a_household_named_twice_is_refused(store):
    with pytest.raises(ValueError, match="twice"):
        store.append_many([("a", 0, [contribution("p")]), ("a", 0, [contribution("q")])], "me")
    assert store.households() == []


def test_empty_batches_are_nothing(store):
    assert store.append_many([("a", 0, [])], "me") == 0
    assert store.households() == []


def test_load_events_is_load_without_the_wrappers(store):
    from datetime import date, datetime

    store.append("a", 0, contributions("x", 3), "me", recorded_at=datetime(2024, 1, 2, tzinfo=UTC))
    store.append("a", 3, contributions("y", 2), "me", recorded_at=datetime(2024, 5, 2, tzinfo=UTC))
    assert store.load_events("a") == [s.event for s in store.load("a")]
    assert [e.id for e in store.load_events("a", known_on=date(2024, 3, 1))] == ["x0", "x1", "x2"]
    assert store.load_events("nobody") == []
    assert [(h, [e.id for e in evs]) for h, evs in store.iter_household_events()] == [
        ("a", ["x0", "x1", "x2", "y0", "y1"])
    ]
