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


@pytest.mark.parametrize("stored", [False, True])
def test_an_import_reads_before_its_copy_on_its_own_connection(stored, monkeypatch, tmp_path):
    """The first write's ``max(position)`` (and heads, into a ledger with rows) are read
    in the import's transaction before the COPY opens, as the reference reads them: into
    an empty ledger the import opens no connection but the one that opened the ledger."""
    a3 = None
    base = pg_base_url()
    if base is None:
        pytest.skip("PostgreSQL tests need ROTH_LEDGER_TEST_PG")
    schemas = _fresh_schema(base)
    url = next(schemas)
    try:
        if stored:
            seed = open_store(url)
            seed.append("a", 0, contributions("a", 3), "me", AT)
            a3 = seed.load("a")[-1]
            seed.close()
        traces = _traced_connections(monkeypatch, tmp_path)
        store = open_store(url)
        encode = store.row_encoder("importer", AT)
        try:
            with store.bulk_import() as bulk:
                bulk.write([encode("b", 0, GENESIS, contributions("b", 2))])
                if a3 is not None:  # a stored household's head, once the COPY is open
                    bulk.write([encode("a", a3.version, a3.hash, contributions("a", 5)[3:])])
            opened = len(traces)
            sent = _sent_queries(traces[:1])
            assert opened == (2 if stored else 1), opened
            assert sum("max(position)" in q for q in sent) == 1, sent
            assert sum("max(version)" in q for q in sent) == (1 if stored else 0), sent
            assert store.version("b") == 2 and store.verify() == []
        finally:
            store.close()
            for out in traces:
                out.close()
    finally:
        next(schemas, None)


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


# --- ANALYZE after a bulk import that made the ledger much larger ----------------------


def test_analyze_after_names_the_threshold():
    # at least ANALYZE_MIN_ROWS rows and at least a tenth of the rows there before
    # (autovacuum_analyze_scale_factor's default, PostgreSQL's documentation, 20.10)
    assert sql.ANALYZE_MIN_ROWS == 1000 and sql.ANALYZE_SHARE == 0.1
    assert sql.analyze_after(1000, 0) and sql.analyze_after(1000, 10_000)
    assert not sql.analyze_after(999, 0)  # a small import: the planner's guess will do
    assert not sql.analyze_after(1000, 10_001)  # a tenth of a large ledger: autovacuum's
    assert sql.analyze_after(100_000, 1_000_000) and not sql.analyze_after(99_999, 1_000_000)


def _statistics(store) -> tuple[float, list[str]]:
    """The planner's row count of ``events`` and the columns it has statistics of."""
    with store._reading(
        "SELECT c.reltuples, array(SELECT s.attname::text FROM pg_stats s "
        "WHERE s.schemaname = n.nspname AND s.tablename = 'events' ORDER BY 1) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = 'events'::regclass"
    ) as cursor:
        reltuples, columns = cursor.fetchone()
    return reltuples, columns


def _bulk(store, household: str, n: int, head=(0, GENESIS), ids: str = "") -> None:
    encode = store.row_encoder("importer", AT)
    with store.bulk_import() as bulk:
        bulk.write([encode(household, *head, contributions(ids or household, n))])


def test_a_bulk_import_that_makes_the_ledger_much_larger_analyzes_it(pg_schema_url, monkeypatch):
    monkeypatch.setattr(sql, "ANALYZE_MIN_ROWS", 5)
    store = open_store(pg_schema_url)
    try:
        _bulk(store, "small", 4)  # under the minimum: not analyzed
        assert _statistics(store) == (-1, [])  # never analyzed (PostgreSQL 14+)
        with pytest.raises(RuntimeError):  # rolled back: nor is a failed one
            with store.bulk_import() as bulk:
                bulk.write([store.row_encoder("i", AT)("x", 0, GENESIS, contributions("x", 30))])
                raise RuntimeError("a bad file further on")
        assert _statistics(store) == (-1, [])
        _bulk(store, "a", 40)  # 40 rows onto 4 (last position 34): analyzed, in its transaction
        assert _statistics(store) == (44, ["household", "version"])
        [*_, last] = store.load("a")
        _bulk(store, "a", 200, (last.version, last.hash), "more")  # onto 74: analyzed
        assert _statistics(store)[0] == 244
        _bulk(store, "c", 27)  # onto a last position of 274: under a tenth, not analyzed
        assert _statistics(store)[0] == 244
        _bulk(store, "d", 31)  # onto 301: a tenth, analyzed
        assert _statistics(store)[0] == 302
        assert store.size() == 332 and store.verify() == []
    finally:
        store.close()


def test_the_sample_counts_the_households_and_the_read_scans_the_index(pg_schema_url):
    """The bulk import's ANALYZE samples few rows (:data:`sql._PG_ANALYZE`), yet counts
    1,000 households of 10 events each within a tenth and plans a household's read as
    the scan of the ``(household, version)`` index."""
    store = open_store(pg_schema_url)
    try:
        encode = store.row_encoder("importer", AT)
        with store.bulk_import() as bulk:
            bulk.write(
                [encode(f"h{i:04d}", 0, GENESIS, contributions(f"h{i}", 10)) for i in range(1000)]
            )
        with store._reading(
            "SELECT s.n_distinct, c.reltuples FROM pg_stats s, pg_class c "
            "WHERE s.tablename = 'events' AND s.schemaname = current_schema() "
            "AND s.attname = 'household' AND c.oid = 'events'::regclass"
        ) as cursor:
            distinct, rows = cursor.fetchone()
        distinct = distinct if distinct >= 0 else -distinct * rows  # a share of the rows
        assert 900 <= distinct <= 1100, distinct
        sql_text, params = store._select(sql._STORED, household="h0500")
        with store._reading("EXPLAIN " + sql_text, params) as cursor:
            plan = [line for (line,) in cursor]
        assert "Index Scan using uq_events_household_version" in plan[0], plan
    finally:
        store.close()


def test_a_one_process_import_that_makes_the_ledger_much_larger_analyzes_it(
    pg_schema_url, monkeypatch, tmp_path
):
    """``append_many`` (the one-process import, ``--jobs 1``) refreshes the statistics as
    the bulk import does (:func:`sql.analyze_after`, in its transaction); an ordinary
    small append reads no last position for it."""
    monkeypatch.setattr(sql, "ANALYZE_MIN_ROWS", 5)
    store = open_store(pg_schema_url)
    try:
        store.append_many([("small", 0, contributions("small", 4))], "me", AT)  # under it
        assert _statistics(store) == (-1, [])
        with pytest.raises(sql.ConcurrencyConflict):  # refused: rolled back, not analyzed
            store.append_many(
                [("x", 0, contributions("x", 30)), ("small", 0, contributions("y", 3))], "me", AT
            )
        assert _statistics(store) == (-1, [])
        store.append_many(
            [("a", 0, contributions("a", 20)), ("b", 0, contributions("b", 20))], "me"
        )
        assert _statistics(store) == (44, ["household", "version"])
        store.append_many([("c", 0, contributions("c", 4))], "me")  # under the minimum
        assert _statistics(store)[0] == 44
        traces = _traced_connections(monkeypatch, tmp_path)
        store.close()
        store = open_store(pg_schema_url)
        store.append("d", 0, contributions("d", 2), "me")
        assert not [s for s in _sent_queries(traces) if "max(position)" in s or "ANALYZE" in s]
        for out in traces:
            out.close()
        assert store.size() == 50 and store.verify() == []
    finally:
        store.close()


@pytest.fixture
def roles():
    from .test_pg_roles import granted, roles_for

    made = roles_for()
    yield granted(next(made))
    next(made, None)


def test_the_application_role_imports_without_analyzing(roles, monkeypatch):
    """A role that does not own ``events`` may not ANALYZE it: the server skips it with
    a warning, and the import is stored all the same."""
    monkeypatch.setattr(sql, "ANALYZE_MIN_ROWS", 1)
    store = open_store(roles.app_url)
    try:
        _bulk(store, "a", 3)
        assert store.version("a") == 3 and store.verify() == []
        assert _statistics(store) == (-1, [])
    finally:
        store.close()
    owner = open_store(roles.owner_url)
    try:
        _bulk(owner, "b", 3)  # the owner's is analyzed
        assert _statistics(owner) == (6, ["household", "version"])
    finally:
        owner.close()
