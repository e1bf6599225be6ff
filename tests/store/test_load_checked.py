"""A report's read (``EventStore.load_checked``: the chain checked on the rows it reads,
one read, one decode) agrees with its reference form (``hashing.load_checked``: ``verify``
then ``load_events`` then ``heads``) on every backend: on good ledgers, as known on a
date, and -- on the databases -- after every kind of tampering the chain or the stored
values can show (the same first problem, word for word)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ledger.store import hashing
from ledger.store.api import BrokenHousehold

from .helpers import contribution, contributions
from .test_database import untriggered

EARLY = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
LATE = datetime(2025, 6, 1, 9, 30, 15, 123456, tzinfo=UTC)


def _filled(store):
    store.append("a", 0, contributions("a", 3), "me", recorded_at=EARLY)
    store.append("a", 3, [contribution("a9", "250.50", 2021)], "you", recorded_at=LATE)
    store.append("b", 0, contributions("b", 4), "me", recorded_at=LATE)
    return store


def _same(store, household, known_on=None):
    fast = store.load_checked(household, known_on)
    reference = hashing.load_checked(store, household, known_on)
    assert fast == reference
    return fast


@pytest.mark.parametrize("known_on", [None, date(2024, 3, 1), date(2025, 6, 1), date(2020, 1, 1)])
def test_agrees_on_a_good_ledger(store, known_on):
    _filled(store)
    for household in ("a", "b", "nobody"):
        checked = _same(store, household, known_on)
        assert checked.problem is None
    whole = store.load_checked("a")
    assert [e.id for e in whole.events] == ["a0", "a1", "a2", "a9"]
    assert whole.head == (4, store.hash_at("a", 4))
    early = store.load_checked("a", date(2024, 3, 1))
    assert [e.id for e in early.events] == ["a0", "a1", "a2"]
    assert early.head == (3, store.hash_at("a", 3))
    assert store.load_checked("nobody").head is None


TAMPERING = {
    "an edited amount": "UPDATE events SET payload = replace(payload, '100.00', '900.00') "
    "WHERE household = 'a' AND version = 2",
    "a non-JSON payload": "UPDATE events SET payload = 'not json' WHERE household = 'a' "
    "AND version = 3",
    "a JSON list payload": "UPDATE events SET payload = '[1]' WHERE household = 'a' AND version = 1",
    "an empty payload object": "UPDATE events SET payload = '{}' WHERE household = 'a' "
    "AND version = 2",
    "a non-numeric amount": 'UPDATE events SET payload = replace(payload, \'"amount":"\', '
    "'\"amount\":\"x') WHERE household = 'a' AND version = 2",
    "an unknown kind": "UPDATE events SET kind = 'lottery_win' WHERE household = 'a' "
    "AND version = 2",
    "another kind": "UPDATE events SET kind = 'void' WHERE household = 'a' AND version = 2",
    "a changed recorder": "UPDATE events SET recorded_by = 'mallory' WHERE household = 'a' "
    "AND version = 4",
    "a changed effective date": "UPDATE events SET effective_date = '2019-05-01' "
    "WHERE household = 'a' AND version = 1",
    "a removed effective date": "UPDATE events SET effective_date = NULL "
    "WHERE household = 'a' AND version = 1",
    "a changed tax year": "UPDATE events SET tax_year = 2019 WHERE household = 'a' AND version = 3",
    "a changed recorded_at": "UPDATE events SET recorded_at = recorded_at + interval '1 second' "
    "WHERE household = 'a' AND version = 4",
    "a deleted row": "DELETE FROM events WHERE household = 'a' AND version = 2",
    "a deleted first row": "DELETE FROM events WHERE household = 'a' AND version = 1",
    "a changed prev_hash": "UPDATE events SET prev_hash = hash WHERE household = 'a' "
    "AND version = 3",
    "a changed hash": "UPDATE events SET hash = prev_hash WHERE household = 'a' AND version = 4",
    "a renumbered version": "UPDATE events SET version = 7 WHERE household = 'a' AND version = 4",
}
SQLITE_ONLY = {  # values a typed PostgreSQL column cannot hold
    "a garbage recorded_at": "UPDATE events SET recorded_at = 'yesterday-ish' "
    "WHERE household = 'a' AND version = 3",
    "a numeric recorded_at": "UPDATE events SET recorded_at = 12345 WHERE household = 'a' "
    "AND version = 3",
    "a garbage effective date": "UPDATE events SET effective_date = 'soon' "
    "WHERE household = 'a' AND version = 2",
    "a basic-format effective date": "UPDATE events SET effective_date = '20200501' "
    "WHERE household = 'a' AND version = 2",
    "a changed recorded_at": "UPDATE events SET recorded_at = '2024-03-01 12:00:00.000001' "
    "WHERE household = 'a' AND version = 2",
    "a blob payload": "UPDATE events SET payload = CAST(payload AS BLOB) "
    "WHERE household = 'a' AND version = 2",
}
#: whole numbers stored as what SQLite's INTEGER affinity keeps as it is (a float 1.0 or
#: a text '1' it turns back into the integer 1): Python's int() reads each of them as
#: the number the hashed document holds, verify's check calls them unreadable
NOT_WHOLE = {
    "a fractional schema_version": "UPDATE events SET schema_version = 1.5 "
    "WHERE household = 'a' AND version = 2",
    "a blob schema_version": "UPDATE events SET schema_version = CAST('1' AS BLOB) "
    "WHERE household = 'a' AND version = 2",
    "an Arabic-Indic schema_version": "UPDATE events SET schema_version = '\u0661' "
    "WHERE household = 'a' AND version = 2",
    "a fractional tax year": "UPDATE events SET tax_year = tax_year + 0.25 "
    "WHERE household = 'a' AND version = 3",
    "a blob tax year": "UPDATE events SET tax_year = CAST(CAST(tax_year AS TEXT) AS BLOB) "
    "WHERE household = 'a' AND version = 3",
    "an underscored tax year": "UPDATE events SET tax_year = "
    "substr(tax_year, 1, 1) || '_' || substr(tax_year, 2) WHERE household = 'a' AND version = 3",
}
#: what verify (and so every read) says of each: the value as stored, and what it is
NOT_WHOLE_SAYS = {
    "a fractional schema_version": "schema_version is 1.5 (a float)",
    "a blob schema_version": "schema_version is '1' (a blob)",
    "an Arabic-Indic schema_version": "schema_version is '\u0661' (text)",
    "a fractional tax year": "tax_year is 2020.25 (a float)",
    "a blob tax year": "tax_year is '2020' (a blob)",
    "an underscored tax year": "tax_year is '2_020' (text)",
}
SQLITE_ONLY.update(NOT_WHOLE)
#: (sorted after the whole numbers: a version missing)
SQLITE_ONLY["a blob version"] = (
    "UPDATE events SET version = CAST('2' AS BLOB) WHERE household = 'a' AND version = 2"
)


@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_agrees_on_a_tampered_ledger(sql_backend, how):
    # the same tampering, in SQLite's own SQL where PostgreSQL's differs
    sqlite = sql_backend.name == "sqlite" and SQLITE_ONLY.get(how)
    _agrees_after(sql_backend, sqlite or TAMPERING[how])


@pytest.mark.parametrize("how", sorted(SQLITE_ONLY.keys() - TAMPERING.keys()))
def test_agrees_on_a_tampered_sqlite_ledger(sqlite_backend, how):
    """Values a typed PostgreSQL column refuses, so only SQLite can be tampered so."""
    _agrees_after(sqlite_backend, SQLITE_ONLY[how])


@pytest.mark.parametrize("how", sorted(NOT_WHOLE))
def test_a_whole_number_stored_as_another_type_is_unreadable(sqlite_backend, how):
    """The stored value is what the statement says (not turned back into an integer),
    and verify names it: the reads (load_checked, the batch's scan) agree above."""
    store = _filled(sqlite_backend.open())
    try:
        untriggered(sqlite_backend, NOT_WHOLE[how])
        [problem] = store.verify("a")
        assert problem.reason == (
            f"{NOT_WHOLE_SAYS[how]}, not a whole number: the row was changed after it was recorded"
        )
    finally:
        store.close()


def _agrees_after(sql_backend, statement):
    store = _filled(sql_backend.open())
    try:
        untriggered(sql_backend, statement)
        for known_on in (None, date(2024, 3, 1)):
            checked = _same(store, "a", known_on)
            assert checked.problem is not None and checked.problem.household == "a"
            assert checked.problem == store.verify("a")[0]
            assert checked.events == [] and checked.head is None
            assert _same(store, "b", known_on).problem is None  # the others are untouched
        # the batch's scan names the same problem (and reads the others)
        scanned = dict(store.iter_household_events())
        problem = store.verify("a")[0]
        assert isinstance(scanned["a"], BrokenHousehold)
        assert f"(version {problem.version})" in scanned["a"].reason
        assert scanned["b"] == store.load_events("b")
    finally:
        store.close()
