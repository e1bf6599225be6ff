"""Households sort by code point on every store, whatever the PostgreSQL database's
collation (migration 0005: ``events.household`` is ``COLLATE "C"`` on PostgreSQL).

A database created with a linguistic default collation (here ICU's ``en-US``; a libc
``en_US.UTF-8`` sorts the same way) ordered ``ORDER BY household`` by it -- ``a1, alpha,
b_3, b-2, b.1, beta, ..., Zed, zeta`` -- while SQLite's ``BINARY`` collation orders the
UTF-8 bytes, which is Python's ``sorted`` (``Zed`` first: ``Z`` is 0x5A, ``a`` 0x61), so
the batch report's order, ``households()`` and the batch shares differed between stores
and between PostgreSQL databases. Each test makes a database of its own (dropped after).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from ledger.store import open_store

from .conftest import PG_SKIP, pg_base_url
from .helpers import contributions

pytestmark = pytest.mark.postgres

#: written in this order: neither sorted nor reversed; punctuation and case are where
#: a linguistic collation and code point order disagree
HOUSEHOLDS = ["zeta", "alpha", "mid", "b-2", "Zed", "b.1", "a1", "omega", "b_3", "beta"]
#: code point order, worked by hand from the ASCII table (Z 0x5A < a 0x61; '-' 0x2D <
#: '.' 0x2E < '_' 0x5F < 'e' 0x65): what SQLite's BINARY collation and ``sorted`` give
CODE_POINT_ORDER = ["Zed", "a1", "alpha", "b-2", "b.1", "b_3", "beta", "mid", "omega", "zeta"]


def _admin(base: str):
    return create_engine(base, isolation_level="AUTOCOMMIT")


@pytest.fixture
def linguistic_db() -> Iterator[str]:
    """A URL of a fresh database whose default collation is ICU ``en-US``."""
    base = pg_base_url()
    if base is None:
        pytest.skip(PG_SKIP)
    name = f"t_icu_{uuid.uuid4().hex[:12]}"
    admin = _admin(base)
    try:
        with admin.connect() as conn:
            if not conn.exec_driver_sql(
                "SELECT 1 FROM pg_collation WHERE collprovider = 'i' LIMIT 1"
            ).scalar():
                pytest.skip("this PostgreSQL server was built without ICU")
            conn.exec_driver_sql(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                "LOCALE 'C.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
            )
        try:
            yield make_url(base).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def _database_orders_linguistically(url: str) -> None:
    """The premise: this database's own order is not code point order."""
    engine = _admin(url)
    try:
        with engine.connect() as conn:
            values = ", ".join(f"('{h}')" for h in HOUSEHOLDS)
            got = conn.exec_driver_sql(f"SELECT h FROM (VALUES {values}) v(h) ORDER BY h").scalars()
            assert list(got) != CODE_POINT_ORDER
    finally:
        engine.dispose()


def _fill(url: str) -> None:
    store = open_store(url)
    try:
        for household in HOUSEHOLDS:
            store.append(household, 0, contributions(f"{household}-", 3), "tester")
    finally:
        store.close()


def test_households_sort_by_code_point_in_a_linguistic_database(linguistic_db, tmp_path):
    _database_orders_linguistically(linguistic_db)
    assert sorted(HOUSEHOLDS) == CODE_POINT_ORDER
    sqlite = str(tmp_path / "ledger.db")
    for url in (linguistic_db, sqlite):
        _fill(url)
    for url in (linguistic_db, sqlite):
        store = open_store(url)
        try:
            assert store.households() == CODE_POINT_ORDER
            scanned = [h for h, _ in store.iter_household_events()]
            assert scanned == CODE_POINT_ORDER
            assert [h for h, _ in store.iter_households(date(2100, 1, 1))] == CODE_POINT_ORDER
            for parts in (2, 3, 4, 7):
                shares = store.household_shares(parts)
                cuts = [start for start, _ in shares[1:]]
                assert cuts == sorted(set(cuts)), (url, cuts)
                shared = [
                    h
                    for start, stop in shares
                    for h, _ in store.iter_household_events(start=start, stop=stop)
                ]
                assert shared == CODE_POINT_ORDER, (url, parts)
        finally:
            store.close()


def test_an_older_ledger_is_migrated_to_code_point_order(linguistic_db):
    """A ledger made at revision 0004 (the database's collation) sorts by code point
    once upgraded, its rows and chains as they were."""
    from alembic import command

    from ledger.store import upgrade
    from ledger.store.migrate import alembic_config
    from ledger.store.urls import resolve

    engine = create_engine(resolve(linguistic_db).sqlalchemy())
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0004")
    engine.dispose()
    _fill_at_0004(linguistic_db)
    assert upgrade(linguistic_db) == "0005"
    store = open_store(linguistic_db)
    try:
        assert store.households() == CODE_POINT_ORDER
        assert store.verify() == []
        assert [len(store.load(h)) for h in HOUSEHOLDS] == [3] * len(HOUSEHOLDS)
    finally:
        store.close()


def _fill_at_0004(url: str) -> None:
    """Rows written as the store writes them, on a database the store would upgrade on
    open: the store's own append, on its connection layer, without ensure_head."""
    from ledger.store.dbapi import make_database
    from ledger.store.sql import store_on
    from ledger.store.urls import resolve

    resolved = resolve(url)
    store = store_on(make_database(resolved), resolved)
    try:
        for household in HOUSEHOLDS:
            store.append(household, 0, contributions(f"{household}-", 3), "tester")
        assert store.households() != CODE_POINT_ORDER  # the bug, before the migration
    finally:
        store.close()
