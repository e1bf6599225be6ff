"""The hash chain's canonical document: the fast writer equals the reference form."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.events import KINDS, canonical_json
from ledger.store.hashing import GENESIS, build_rows, chain_hash, hash_document, iso_utc

from ..test_payload_codec import events
from .helpers import contribution, void

text = st.text(st.characters(codec="utf-8"), max_size=40)


@given(
    household=text,
    event_id=text,
    kind=text,
    payload=text,
    recorded_by=text,
    version=st.integers(1, 10**9),
    tax_year=st.none() | st.integers(1975, 2100),
    effective=st.none() | st.dates(),
    at=st.datetimes(timezones=st.just(UTC)),
)
def test_chain_hash_is_sha256_of_the_canonical_document(
    household, event_id, kind, payload, recorded_by, version, tax_year, effective, at
):
    row = {
        "household": household,
        "version": version,
        "event_id": event_id,
        "kind": kind,
        "schema_version": 1,
        "payload": payload,
        "effective_date": effective,
        "tax_year": tax_year,
        "recorded_at": at,
        "recorded_by": recorded_by,
    }
    expected = hashlib.sha256(f"{GENESIS}\n{canonical_json(hash_document(row))}".encode())
    assert chain_hash(GENESIS, row) == expected.hexdigest()
    assert chain_hash(GENESIS, row, iso_utc(at)) == expected.hexdigest()


def test_rows_chain_from_genesis_and_carry_the_payload_as_canonical_json():
    at = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    rows = build_rows("h", 0, GENESIS, [contribution("a"), void("v", "a")], "me", at)
    assert [r["version"] for r in rows] == [1, 2]
    assert rows[0]["prev_hash"] == GENESIS and rows[1]["prev_hash"] == rows[0]["hash"]
    assert rows[0]["payload"] == canonical_json(
        {
            "amount": "100.00",
            "date": "2020-05-01",
            "person": "dana",
            "source": "Form 5498 box 10, test",
            "tax_year": 2020,
        }
    )
    assert rows[0]["effective_date"] == date(2020, 5, 1) and rows[0]["tax_year"] == 2020
    assert rows[1]["effective_date"] is None and rows[1]["tax_year"] is None
    assert iso_utc(at) == "2024-01-02T03:04:05.000000Z"


_stored_dates = st.none() | st.dates().map(date.isoformat)
_stored_times = st.sampled_from(["2026-12-01 22:00:00.000000", "2026-12-01 22:00:00.500000"])


@given(
    households=st.lists(
        st.tuples(
            text,  # household
            st.lists(
                st.tuples(
                    text,  # event_id
                    st.sampled_from(["roth_contribution", "void", 'a "kind"\\\n']),
                    text,  # payload
                    _stored_times,
                    st.sampled_from(["tester", 'x"\\\t', "é"]),
                    st.sampled_from([1, 2]),  # schema_version
                    st.none() | st.integers(1975, 2100),
                    _stored_dates,
                ),
                max_size=6,
            ),
        ),
        max_size=3,
    ),
)
def test_the_read_hasher_is_field_hash(households):
    """The read side's hasher over stored rows (document parts kept between rows and
    households) gives field_hash's digest, with the dates and times normalised as the
    SQLite store reads them."""
    from ledger.store.hashing import field_hash, read_hasher
    from ledger.store.sql import SqliteStore

    store = SqliteStore.__new__(SqliteStore)  # only its value readers are used
    hasher = read_hasher(store._date_iso, store._time_iso)
    for household, rows in households:
        hash_of = hasher(household)
        prev = GENESIS
        for version, (event_id, kind, payload, at, by, schema, year, eff) in enumerate(
            rows, start=1
        ):
            row = (household, event_id, version, kind, schema, payload, eff, year, at, by)
            digest = hash_of(prev, (*row, prev, "?"))
            at_iso = iso_utc(store._datetime(at))
            assert digest == field_hash(
                prev, eff, event_id, household, kind, payload, at_iso, by, schema, year, version
            )
            prev = digest


def _agree(household, version, prev, batch, by, at):
    """The writers' row builder (``chained``) gives the reference rows (``build_rows``:
    the event's own properties, ``to_payload``, ``chain_hash``) field for field."""
    from ledger.store.hashing import chained

    fast = list(chained(household, version, prev, batch, by, iso_utc(at)))
    reference = build_rows(household, version, prev, batch, by, at)
    assert len(fast) == len(reference) == len(batch)
    for (v, event, payload, day, year, back, digest), row, original in zip(fast, reference, batch):
        eff = row["effective_date"]
        assert event is original
        assert (v, payload, day, year, back, digest) == (
            row["version"],
            row["payload"],
            None if eff is None else eff.isoformat(),
            row["tax_year"],
            row["prev_hash"],
            row["hash"],
        )


@settings(max_examples=60, deadline=None)
@given(
    household=text,
    by=text,
    at=st.datetimes(timezones=st.just(UTC)),
    version=st.integers(0, 10**6),
    kinds=st.lists(st.sampled_from(sorted(KINDS)), max_size=8),
    data=st.data(),
)
def test_the_row_builder_is_the_reference_on_every_kind(household, by, at, version, kinds, data):
    drawn = [data.draw(events(kind)) for kind in kinds]
    prev = GENESIS if version == 0 else hashlib.sha256(str(version).encode()).hexdigest()
    _agree(household, version, prev, drawn, by, at)


def test_the_row_builder_is_the_reference_on_generated_ledgers_and_the_example(tmp_path):
    import json
    import sys
    from pathlib import Path

    from ledger.app.importing import _plan_ordinary

    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from generate import household  # type: ignore[import-not-found]

    paths = [Path("ledger/examples/astra-2022.yaml")]
    for i in range(12):
        data = household(i, 120)
        paths.append(tmp_path / f"{i}.json")
        paths[-1].write_text(json.dumps(data))
    at = datetime(2026, 12, 2, 1, 2, 3, 456789, tzinfo=UTC)
    for path in paths:
        plan = _plan_ordinary(None, path, set())
        assert plan.new
        _agree(plan.household, 0, GENESIS, plan.new, "importer", at)


def _sqlite_rows_both(household, version, prev, batch, by, at):
    """The SQLite encoder's rows built by ``sqlite_rows`` and by the reference (its
    tuples made from ``chained``'s): the batch, or the exception's type and text."""
    from ledger.store.sql import _SqliteEncoder

    out = []
    for shortcut in (True, False):
        try:
            out.append(_SqliteEncoder(by, at, shortcut=shortcut)(household, version, prev, batch))
        except Exception as exc:  # noqa: BLE001 -- compared below
            out.append((type(exc), str(exc)))
    return out


@settings(max_examples=60, deadline=None)
@given(
    household=text,
    by=text,
    at=st.datetimes(timezones=st.just(UTC)),
    version=st.integers(0, 10**6),
    kinds=st.lists(st.sampled_from(sorted(KINDS)), max_size=8),
    odd=st.sampled_from([None, "not an event", 5]),
    data=st.data(),
)
def test_sqlite_rows_are_the_reference_rows(household, by, at, version, kinds, odd, data):
    """``sqlite_rows`` (the SQLite encoder's one loop) against its reference, the rows
    made from ``chained``: every column of every row equal (types too), on every kind;
    a batch holding something that is no event fails with the same exception."""
    drawn = [data.draw(events(kind)) for kind in kinds]
    if odd is not None:
        drawn.insert(data.draw(st.integers(0, len(drawn))), odd)  # type: ignore[arg-type]
    prev = GENESIS if version == 0 else hashlib.sha256(str(version).encode()).hexdigest()
    fast, reference = _sqlite_rows_both(household, version, prev, drawn, by, at)
    assert fast == reference
    if odd is None:
        assert [tuple(map(type, row)) for row in fast[3]] == [
            tuple(map(type, row)) for row in reference[3]
        ]
        assert all(type(row) is tuple for row in fast[3])


def _batch_check(check, household, events):
    try:
        check(household, events)
    except Exception as exc:  # noqa: BLE001 -- compared
        return type(exc), str(exc), getattr(exc, "args", None)
    return None


@settings(max_examples=300, deadline=None)
@given(
    ids=st.lists(st.sampled_from(["e1", "e2", "e3", "", "é", 5, ["unhashable"], None]), max_size=8),
    missing=st.sets(st.integers(0, 7), max_size=2),
    as_tuple=st.booleans(),
)
def test_batch_ids_are_checked_as_the_reference_checks_them(ids, missing, as_tuple):
    """check_batch_ids (the ids counted into a set at once) against the reference (one
    id at a time): None for a batch without a repeated id, else the same exception (a
    DuplicateEventId naming the first id given again; an event without an id or with an
    unhashable one fails as the reference fails, after any repeat before it)."""
    from types import SimpleNamespace

    from ledger.store.hashing import check_batch_ids, reference_check_batch_ids

    events = [
        SimpleNamespace() if i in missing else SimpleNamespace(id=given)
        for i, given in enumerate(ids)
    ]
    batch = tuple(events) if as_tuple else events
    assert _batch_check(check_batch_ids, "h", batch) == _batch_check(
        reference_check_batch_ids, "h", batch
    )
    # an iterator (no len()) is checked by the reference, none of it consumed before
    assert _batch_check(check_batch_ids, "h", iter(events)) == _batch_check(
        reference_check_batch_ids, "h", iter(events)
    )


@settings(max_examples=100, deadline=None)
@given(
    year=st.sampled_from([2020, True, False, 2020.0, 7.5, "2020"]).map(
        lambda y: y if not isinstance(y, str) else __import__("decimal").Decimal(y)
    ),
    cleared=st.booleans(),
    version=st.integers(0, 70_000),
)
def test_sqlite_rows_keep_number_texts_as_the_reference_writes_them(year, cleared, version):
    """The tax years' and versions' texts sqlite_rows keeps (hashing._number) are those
    chained writes (int(value) formatted) -- a tax year given as a bool, a float or a
    Decimal equal to an int kept before included -- the texts kept or emptied first."""
    import dataclasses

    from ledger.store import hashing

    base = contribution("c1")
    if cleared:
        hashing._NUMBER_TEXTS.clear()
    else:
        _sqlite_rows_both("h", 0, GENESIS, [base], "me", datetime(2026, 1, 1, tzinfo=UTC))
    odd = dataclasses.replace(base, id="c2", tax_year=year)
    prev = GENESIS if version == 0 else hashlib.sha256(str(version).encode()).hexdigest()
    fast, reference = _sqlite_rows_both(
        "h", version, prev, [base, odd], "me", datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert fast == reference
