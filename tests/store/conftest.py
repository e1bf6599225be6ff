"""Backends for the store tests: memory, a SQLite file, and PostgreSQL.

PostgreSQL is the server named by ``ROTH_LEDGER_TEST_PG`` (e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). Unset: the postgres cases are
skipped with a reason. Set but unreachable: they FAIL (CI must not pass silently).
Each postgres test gets a fresh schema (dropped afterwards; the append-only triggers
forbid deleting rows, so we never try to clean up row by row).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from ledger.store import MemoryStore, open_store

PG_ENV = "ROTH_LEDGER_TEST_PG"
PG_SKIP = f"PostgreSQL tests need {PG_ENV}=postgresql+psycopg://USER@HOST:PORT/DB (CI sets it)"


@dataclass
class Backend:
    """Where a test's store lives; ``url`` is None for the in-memory store."""

    name: str
    url: str | None
    path: Path | None = None  # the SQLite file

    def open(self):
        return MemoryStore() if self.url is None else open_store(self.url)


def pg_base_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A URL whose search_path is a fresh, empty schema (dropped after the test)."""
    base = pg_base_url()
    if base is None:
        pytest.skip(PG_SKIP)
    yield from _fresh_schema(base)


def _fresh_schema(base: str) -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        except OperationalError as exc:  # set but unreachable: fail, never skip
            pytest.fail(f"{PG_ENV} is set but PostgreSQL is unreachable: {exc.orig}", pytrace=False)
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        admin.dispose()


def _backend(request, tmp_path: Path) -> Iterator[Backend]:
    name = request.param
    if name == "memory":
        yield Backend("memory", None)
    elif name == "sqlite":
        path = tmp_path / "ledger.db"
        yield Backend("sqlite", str(path), path)
    else:
        base = pg_base_url()
        if base is None:
            pytest.skip(PG_SKIP)
        for url in _fresh_schema(base):
            yield Backend("postgres", url)


pg_mark = pytest.mark.postgres


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pg_mark)])
def backend(request, tmp_path) -> Iterator[Backend]:
    """Every backend."""
    yield from _backend(request, tmp_path)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pg_mark)])
def sql_backend(request, tmp_path) -> Iterator[Backend]:
    """The database backends only."""
    yield from _backend(request, tmp_path)


@pytest.fixture
def store(backend):
    s = backend.open()
    yield s
    s.close()


@pytest.fixture
def sql_store(sql_backend):
    s = sql_backend.open()
    yield s
    s.close()


@pytest.fixture(params=["sqlite"])
def sqlite_backend(request, tmp_path) -> Iterator[Backend]:
    """SQLite alone: for values only its untyped columns can hold."""
    yield from _backend(request, tmp_path)
