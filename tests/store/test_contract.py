"""The EventStore contract, one module run on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from ledger.store import ConcurrencyConflict, DuplicateEventId
from ledger.store.hashing import GENESIS

from .helpers import contribution, contributions, void

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def test_append_and_load_round_trip(store):
    events = [contribution("c1", "6000.00", 2019), void("v1", "c1"), contribution("c2", "0.01")]
    stored = store.append("rivera", 0, events, "preparer", recorded_at=T0)
    assert [s.version for s in stored] == [1, 2, 3]
    loaded = store.load("rivera")
    assert [s.event for s in loaded] == events
    assert loaded == stored
    first = loaded[0]
    assert first.household == "rivera" and first.recorded_by == "preparer"
    assert first.recorded_at == T0 and first.recorded_at.tzinfo is not None
    assert first.prev_hash == GENESIS and loaded[1].prev_hash == first.hash
    positions = [s.position for s in loaded]
    assert positions == sorted(positions) and len(set(positions)) == 3
    assert store.version("rivera") == 3


def test_appends_continue_the_chain_and_default_the_clock(store):
    before = datetime.now(UTC)
    store.append("h", 0, [contribution("a")], "me")
    [second] = store.append("h", 1, [contribution("b")], "me")
    assert second.version == 2 and second.prev_hash == store.load("h")[0].hash
    assert before - timedelta(seconds=1) <= second.recorded_at <= datetime.now(UTC)
    assert store.verify() == []


def test_unknown_household_is_empty(store):
    assert store.version("nobody") == 0
    assert store.load("nobody") == []
    assert store.event_ids("nobody") == set()
    assert store.find("nothing") == []
    assert store.households() == []
    assert list(store.iter_households()) == []


def test_stale_expected_version_is_a_conflict_and_stores_nothing(store):
    store.append("h", 0, [contribution("a")], "me")
    with pytest.raises(ConcurrencyConflict) as info:
        store.append("h", 0, [contribution("b")], "other")
    assert info.value.expected == 0 and info.value.actual == 1
    assert "nothing was stored" in str(info.value)
    with pytest.raises(ConcurrencyConflict):
        store.append("h", 5, [contribution("b")], "other")
    with pytest.raises(ConcurrencyConflict):
        store.append("h", 0, [], "other")
    assert store.event_ids("h") == {"a"}


def test_duplicate_id_refuses_the_whole_batch(store):
    store.append("h", 0, [contribution("a"), contribution("b")], "me")
    with pytest.raises(DuplicateEventId) as info:
        store.append("h", 2, [contribution("c"), contribution("a")], "me")
    assert info.value.event_id == "a" and info.value.household == "h"
    assert store.version("h") == 2 and store.event_ids("h") == {"a", "b"}
    with pytest.raises(DuplicateEventId):
        store.append("h", 2, [contribution("d"), contribution("d")], "me")
    assert store.version("h") == 2
    # the same id in another household is fine
    store.append("other", 0, [contribution("a")], "me")
    assert [s.household for s in store.find("a")] == ["h", "other"]


def test_known_on_shows_the_ledger_as_recorded_by_that_day(store):
    store.append(
        "h",
        0,
        [contribution("a")],
        "me",
        recorded_at=datetime(2023, 4, 10, 23, 59, 59, 999999, tzinfo=UTC),
    )
    store.append("h", 1, [contribution("b")], "me", recorded_at=datetime(2023, 4, 11, tzinfo=UTC))
    store.append("h", 2, [void("v", "a")], "me", recorded_at=datetime(2024, 1, 2, tzinfo=UTC))
    assert [s.event.id for s in store.load("h", known_on=date(2023, 4, 9))] == []
    assert [s.event.id for s in store.load("h", known_on=date(2023, 4, 10))] == ["a"]
    assert [s.event.id for s in store.load("h", known_on=date(2023, 12, 31))] == ["a", "b"]
    assert [s.event.id for s in store.load("h", known_on=date(2024, 1, 2))] == ["a", "b", "v"]
    assert [h for h, _ in store.iter_households(known_on=date(2023, 4, 9))] == []


def test_recorded_at_in_another_zone_is_stored_as_utc(store):
    plus_two = timezone(timedelta(hours=2))
    store.append(
        "h", 0, [contribution("a")], "me", recorded_at=datetime(2024, 1, 1, 1, 0, tzinfo=plus_two)
    )
    [stored] = store.load("h")
    assert stored.recorded_at == datetime(2023, 12, 31, 23, 0, tzinfo=UTC)
    assert [s.event.id for s in store.load("h", known_on=date(2023, 12, 31))] == ["a"]
    assert store.verify() == []


def test_households_event_ids_find_and_iter(store):
    store.append("b", 0, contributions("b", 3), "me", recorded_at=T0)
    store.append("a", 0, contributions("a", 2), "me", recorded_at=T0)
    store.append("b", 3, [contribution("x")], "me", recorded_at=T0)
    assert store.households() == ["a", "b"]
    assert store.event_ids("b") == {"b0", "b1", "b2", "x"}
    [found] = store.find("x")
    assert (found.household, found.version) == ("b", 4)
    streamed = list(store.iter_households())
    assert [h for h, _ in streamed] == ["a", "b"]
    assert [[s.version for s in evs] for _, evs in streamed] == [[1, 2], [1, 2, 3, 4]]
    assert streamed[1][1] == store.load("b")


def test_verify_is_clean_on_a_good_ledger(store):
    for n, household in enumerate(["a", "b", "c"]):
        store.append(household, 0, contributions(household, n + 1), "me")
        store.append(household, n + 1, [void(f"{household}-v", f"{household}0")], "me")
    assert store.verify() == []
