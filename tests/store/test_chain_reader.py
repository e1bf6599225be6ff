"""The reads' one pass over a household's rows (``hashing.chain_reader``, what
``load_checked`` and ``iter_household_events`` run) agrees with the reference: ``verify``'s
own check (``check_chains`` on the rows as ``_checked_row`` reads them) and the reference
decoding (``sql._event``), on rows the SQLite writer built for events of every kind and on
the same rows changed in any column, removed or swapped: the events when the reference
finds no problem, None exactly when it finds one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.events import KINDS
from ledger.store.hashing import GENESIS, chain_reader, check_chains
from ledger.store.sql import SqliteStore, _event, _SqliteEncoder

from ..test_payload_codec import events

_STORE = SqliteStore.__new__(SqliteStore)  # only its value readers are used
_READ = chain_reader(_STORE._date_iso, _STORE._time_iso)

#: what a changed column may hold (SQLite stores any type in any column)
_VALUES = (
    st.text(max_size=8)
    | st.none()
    | st.integers(-3, 3000)
    | st.binary(max_size=4)
    | st.sampled_from(
        [
            "2020-05-01",
            "2026-12-02 05:33:17.023468",
            "yesterday",
            "{}",
            "[1]",
            '{"amount":"x"}',
            "void",
            "lottery_win",
            GENESIS,
            1.0,
            1.5,
            "1",
            b"1",
            2024.0,
            "2024",
        ]
    )
)


def _reference(household, rows):
    if any(True for _ in check_chains(_STORE._checked_row(row) for row in rows)):
        return None
    return [_event(row[3], row[1], row[5]) for row in rows]


def _rows(household, drawn, by="tester", cuts=()):
    """The rows of ``drawn`` recorded in one append, or in one append per part of it: cut
    before each ``(index, seconds, recorder)`` of ``cuts``, the part after it recorded
    that many seconds later by that recorder (the same time by another, or by the same
    one at another time)."""
    at = datetime(2026, 12, 2, 5, 33, 17, 23468, tzinfo=UTC)
    parts = {0: (0, by)}
    for index, seconds, who in cuts:
        parts[index % len(drawn)] = (seconds, who)
    rows: list = []
    starts = sorted(parts)
    for first, stop in zip(starts, [*starts[1:], len(drawn)]):
        seconds, who = parts[first]
        encode = _SqliteEncoder(who, at + timedelta(seconds=seconds))
        prev = rows[-1][11] if rows else GENESIS
        rows += encode(household, len(rows), prev, drawn[first:stop])[3]
    return rows


@settings(max_examples=150, deadline=None)
@given(
    household=st.text(max_size=6),
    kinds=st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=6),
    change=st.none()
    | st.tuples(st.integers(0, 5), st.integers(1, 11), _VALUES)
    | st.tuples(st.just("drop"), st.integers(0, 5))
    | st.tuples(st.just("swap"), st.integers(0, 5))
    # a column given the previous row's value (the reader keeps parts from row to row)
    | st.tuples(st.just("copy"), st.integers(1, 5), st.integers(1, 11)),
    cuts=st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 1), st.sampled_from(["tester", "other"])),
        max_size=3,
    ),
    data=st.data(),
)
def test_the_chain_reader_is_the_reference(household, kinds, change, cuts, data):
    drawn = [data.draw(events(kind)) for kind in kinds]
    rows = _rows(household, drawn, cuts=cuts)
    if change is not None:
        at = change[1] % len(rows) if isinstance(change[0], str) else change[0] % len(rows)
        if change[0] == "copy":
            row = list(rows[at])
            row[change[2]] = rows[at - 1][change[2]]
            rows[at] = tuple(row)
        elif change[0] == "drop":
            del rows[at]
        elif change[0] == "swap":
            rows[at], rows[-1] = rows[-1], rows[at]
        else:
            row = list(rows[at])
            row[change[1]] = change[2]
            rows[at] = tuple(row)
    try:
        expected = _reference(household, rows)
    except (ValueError, TypeError):  # a value the reference itself cannot read (int(""))
        expected = None
    assert _READ(household, rows) == expected
    if change is None:
        assert expected == drawn


@settings(max_examples=60, deadline=None)
@given(
    payload=st.text(max_size=30)
    | st.sampled_from(['{"name":"x"} ', '{"name":"x"}{}', '{"name":"a\\u0000"}', '{"name":1}']),
    name=st.text(max_size=8),
)
def test_a_rehashed_row_is_read_as_the_reference_reads_it(payload, name):
    """A payload changed and the chain hashed again (an unkeyed ledger's side door): the
    reader decodes, or refuses, as the reference does."""
    from ledger.events import HouseholdNamed
    from ledger.store.hashing import field_hash, iso_utc

    rows = _rows("h", [HouseholdNamed(id="n", name=name or "x")])
    row = list(rows[0])
    row[5] = payload
    at_iso = iso_utc(_STORE._datetime(row[8]))
    row[11] = field_hash(
        GENESIS, row[6], row[1], "h", row[3], payload, at_iso, row[9], 1, row[7], 1
    )
    rows = [tuple(row)]
    try:
        expected = _reference("h", rows)
    except Exception as exc:  # the reference decode refuses it: so does the reader
        assert _READ("h", rows) is None, exc
        return
    assert _READ("h", rows) == expected


@pytest.mark.parametrize("column", [2, 4, 7])  # version, schema_version, tax_year
@pytest.mark.parametrize("kind", [float, str, bytes, "fraction"])
def test_a_whole_number_of_another_type_is_refused_as_the_reference_does(column, kind):
    """A stored version, schema version or tax year that is not an int but reads as the
    hashed number (1.0, '1', b'1'; int(1.5) is 1): the reference calls the row
    unreadable, so does the reader -- also once a good row has put the same document
    part in its cache (the cache's keys compare 1.0 equal to 1)."""
    from ledger.events import RothContribution

    event = RothContribution(
        id="c", person="dana", tax_year=2024, date=date(2024, 3, 1), amount=Decimal("1.00")
    )
    read = chain_reader(_STORE._date_iso, _STORE._time_iso)
    [good] = _rows("h", [event])
    assert read("h", [good]) == [event]  # the parts cached
    number = good[column]
    changed = list(good)
    changed[column] = {
        float: float(number),
        str: str(number),
        bytes: str(number).encode(),
        "fraction": number + 0.5,
    }[kind]
    assert _reference("h", [tuple(changed)]) is None
    assert read("h", [tuple(changed)]) is None
    assert _READ("h", [tuple(changed)]) is None
