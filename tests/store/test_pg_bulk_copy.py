"""PostgreSQL's bulk import keeps ONE ``COPY`` open for the whole transaction and reads
the heads it checks once (``sql._CopyImport``); the reference (``sql._BulkImport``) reads
them in the transaction and runs a COPY per write. Both must store the same rows and
refuse the same writes with the same errors: stale versions and hashes, a household
written twice in one import or twice in one write, event ids already taken, keyed rows,
into an empty ledger (no heads read) or one with rows (each write's new households')."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.store import open_store, sql
from ledger.store.hashing import GENESIS, build_rows
from ledger.store.keyed import LedgerKey

from .conftest import _fresh_schema, pg_base_url
from .helpers import contributions
from .test_pg_reads import _sent_queries, _traced_connections

pytestmark = pytest.mark.postgres

AT = datetime(2026, 12, 2, 14, 0, 0, 654321, tzinfo=UTC)
HOUSEHOLDS = ("a", "b", "c\tnew", "d")  # one that COPY's text format escapes
KEY = LedgerKey(b"roth-test-key-bulk-copy-0123456789", "test.key")


@contextmanager
def _ledger(stored: dict[str, int], keyed: bool):
    base = pg_base_url()
    if base is None:
        pytest.skip("PostgreSQL tests need ROTH_LEDGER_TEST_PG")
    schemas = _fresh_schema(base)
    url = next(schemas)
    store = open_store(url)
    store.key = KEY if keyed else None
    try:
        for household, n in stored.items():
            if n:
                store.append(household, 0, contributions(household, n), "me", AT)
        yield store
    finally:
        store.close()
        next(schemas, None)  # drops the schema


def _rows(store) -> list[tuple]:
    with store._reading(f"SELECT {sql._KEYED_LIST} FROM events ORDER BY position") as cursor:
        return [tuple(row) for row in cursor]


def _run(store, writes, reference: bool):
    """Each write's batches through one bulk import: the error it ended with (type and
    text; None) and every row stored after it."""
    encode = store.row_encoder("importer", AT)
    bulk_of = sql.SqlStore._bulk.__get__(store) if reference else store._bulk
    outcome = None
    with mock.patch.object(store, "_bulk", bulk_of):
        try:
            with store.bulk_import() as bulk:
                for batches in writes:
                    bulk.write([encode(*batch) for batch in batches])
        except Exception as exc:  # the same error from both forms
            outcome = (type(exc).__name__, str(exc))
    return outcome, _rows(store)


batch = st.tuples(
    st.sampled_from(HOUSEHOLDS),
    st.integers(0, 3),
    st.sampled_from(["right", "right", "right", "stale_version", "stale_hash", "taken_id"]),
)


def _writes(stored: dict[str, int], plan) -> list[list[tuple]]:
    """The writes of ``plan``, each batch chained after the head its household would have
    if every earlier batch landed (or made stale, or given a stored event id)."""
    heads: dict[str, tuple[int, str]] = {}
    for household, n in stored.items():
        if n:
            rows = build_rows(household, 0, GENESIS, contributions(household, n), "me", AT)
            heads[household] = (n, rows[-1]["hash"])
    used: dict[str, int] = {}
    writes = []
    for batches in plan:
        out = []
        for household, n, mode in batches:
            version, prev = heads.get(household, (0, GENESIS))
            first = stored.get(household, 0) + used.get(household, 0)
            used[household] = used.get(household, 0) + n
            events = [contributions(household, first + n)[first + i] for i in range(n)]
            if mode == "taken_id" and n and first:
                events[0] = contributions(household, 1)[0]  # its first stored event's id
            if n and mode != "taken_id":
                rows = build_rows(household, version, prev, events, "importer", AT)
                heads[household] = (version + n, rows[-1]["hash"])
            if mode == "stale_version":
                version = max(version - 1, 0) if version else version + 1
            elif mode == "stale_hash":
                prev = "0" * 64 if prev != "0" * 64 else GENESIS
            out.append((household, version, prev, events))
        writes.append(out)
        if any(mode == "taken_id" for _, _, mode in batches):
            break  # the database refuses it: the reference at this write, one COPY at its end
    return writes


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    stored=st.fixed_dictionaries({h: st.integers(0, 3) for h in HOUSEHOLDS[:3]}),
    plan=st.lists(st.lists(batch, min_size=1, max_size=3), min_size=1, max_size=4),
    keyed=st.booleans(),
)
def test_one_copy_stores_and_refuses_as_the_reference(stored, plan, keyed):
    writes = _writes(stored, plan)
    results = []
    for reference in (True, False):
        with _ledger(stored, keyed) as store:
            results.append(_run(store, writes, reference))
    assert results[1] == results[0]


def test_an_import_into_an_empty_ledger_sends_one_copy_and_no_heads_query(
    pg_schema_url, monkeypatch, tmp_path
):
    traces = _traced_connections(monkeypatch, tmp_path)
    store = open_store(pg_schema_url)
    encode = store.row_encoder("importer", AT)
    try:
        with store.bulk_import() as bulk:
            for household in ("a", "b", "c"):
                assert bulk.write([encode(household, 0, GENESIS, contributions(household, 4))])
            # the same household again: after the head its own rows end on
            a4 = build_rows("a", 0, GENESIS, contributions("a", 4), "importer", AT)[-1]
            more = contributions("a", 6)[4:]
            assert bulk.write([encode("a", 4, a4["hash"], more)]) == 2
        sent = _sent_queries(traces)
        assert sum(s.lstrip(' "').startswith("COPY events") for s in sent) == 1, sent
        assert not [s for s in sent if "max(version)" in s], sent  # no heads query
        assert store.version("a") == 6 and store.size() == 14 and store.verify() == []
    finally:
        store.close()
        for out in traces:
            out.close()


def test_a_ledger_with_rows_reads_each_writes_new_heads_and_still_one_copy(
    pg_schema_url, monkeypatch, tmp_path
):
    first = open_store(pg_schema_url)
    [*_, last] = first.append("a", 0, contributions("a", 3), "me")
    first.close()
    traces = _traced_connections(monkeypatch, tmp_path)
    store = open_store(pg_schema_url)
    encode = store.row_encoder("importer", AT)
    head = (last.version, last.hash)
    try:
        with store.bulk_import() as bulk:
            bulk.write([encode("b", 0, GENESIS, contributions("b", 2))])
            bulk.write([encode("a", *head, contributions("a", 5)[3:])])
        sent = _sent_queries(traces)
        assert sum(s.lstrip(' "').startswith("COPY events") for s in sent) == 1, sent
        assert sum("max(version)" in s for s in sent) == 2, sent  # one per write
        assert store.version("a") == 5 and store.version("b") == 2 and store.verify() == []
    finally:
        store.close()
        for out in traces:
            out.close()
