"""PostgreSQL waits are bounded as SQLite's are (README, "Waiting on PostgreSQL"): every
session sets ``lock_timeout`` and ``statement_timeout``; a lock another session holds
ends the command after the timeout with one line naming the setting, exit 5, nothing
changed -- never a command that hangs."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from ledger.store import open_store
from ledger.store.migrate import PG_LOCK_SQL

from .conftest import PG_SKIP, pg_base_url

psycopg = pytest.importorskip("psycopg")

pytestmark = pytest.mark.postgres

EXAMPLE = Path(__file__).resolve().parents[2] / "ledger" / "examples" / "astra-2022.yaml"
RECORD = (
    "record",
    "roth_contribution",
    "-H",
    "astra",
    "-p",
    "p",
    "-y",
    "2023",
    "--date",
    "2023-04-01",
    "--amount",
    "100",
)
REPORT = ("report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022")


def cli(url: str, *args, **env: str):
    from cli.main import cli as group
    from cli.main import register

    register()
    started = time.monotonic()
    result = CliRunner().invoke(
        group,
        [str(a) for a in args],
        env={"ROTH_LEDGER_DB": url, "ROTH_LEDGER_USER": "tester", **env},
        catch_exceptions=False,
    )
    result.seconds = time.monotonic() - started  # type: ignore[attr-defined]
    assert "Traceback" not in result.output
    return result


def holder(url: str):
    """A second session on the same schema (an administrator, another writer)."""
    made = make_url(url)
    schema = str(made.query["options"]).split("=", 1)[1]
    plain = made.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    return psycopg.connect(plain, options=f"-csearch_path={schema}")


@pytest.fixture
def ledger(pg_schema_url) -> str:
    assert cli(pg_schema_url, "import", EXAMPLE).exit_code == 0
    return pg_schema_url


def count(url: str) -> int:
    with holder(url) as conn:
        return conn.execute("SELECT count(*) FROM events").fetchone()[0]


def test_the_default_timeouts_and_the_url_wins(pg_schema_url, monkeypatch):
    monkeypatch.delenv("ROTH_LEDGER_PG_LOCK_TIMEOUT", raising=False)
    monkeypatch.delenv("ROTH_LEDGER_PG_STATEMENT_TIMEOUT", raising=False)
    store = open_store(pg_schema_url)
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "30s"
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "10min"
            assert conn.exec_driver_sql("SHOW search_path").scalar().startswith("t_")
    finally:
        store.close()
    monkeypatch.setenv("ROTH_LEDGER_PG_LOCK_TIMEOUT", "2s")
    options = make_url(pg_schema_url).query["options"]
    url = make_url(pg_schema_url).update_query_dict({"options": f"{options} -c lock_timeout=7s"})
    store = open_store(url.render_as_string(hide_password=False), read_only=True)
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "7s"
            assert conn.exec_driver_sql("SHOW default_transaction_read_only").scalar() == "on"
    finally:
        store.close()


@pytest.mark.parametrize("command", [REPORT, RECORD, ("verify",)], ids=lambda c: c[0])
def test_a_held_table_lock_is_exit_5_after_the_lock_timeout(ledger, command):
    before = count(ledger)
    with holder(ledger) as admin:
        admin.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
        done = cli(ledger, *command, ROTH_LEDGER_PG_LOCK_TIMEOUT="300ms")
    assert done.exit_code == 5, done.output
    assert done.output.count("\n") == 1
    assert "lock_timeout (ROTH_LEDGER_PG_LOCK_TIMEOUT" in done.output
    assert done.seconds < 20  # type: ignore[attr-defined]
    assert count(ledger) == before


def test_a_writer_holding_the_ledger_is_exit_5_for_the_next_writer(ledger):
    before = count(ledger)
    with holder(ledger) as other:  # another import, mid-transaction
        other.execute(PG_LOCK_SQL)
        done = cli(ledger, *RECORD, ROTH_LEDGER_PG_LOCK_TIMEOUT="300ms")
        assert done.exit_code == 5, done.output
        assert "another session held a lock on the ledger" in done.output
        assert cli(ledger, *REPORT).exit_code == 0  # readers are not held up
    assert count(ledger) == before
    assert cli(ledger, *RECORD).exit_code == 0  # once it is released


def test_the_statement_timeout_is_exit_5_naming_it(ledger):
    with holder(ledger) as admin:
        admin.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
        done = cli(
            ledger,
            *REPORT,
            ROTH_LEDGER_PG_LOCK_TIMEOUT="0",
            ROTH_LEDGER_PG_STATEMENT_TIMEOUT="300ms",
        )
    assert done.exit_code == 5, done.output
    assert "statement_timeout (ROTH_LEDGER_PG_STATEMENT_TIMEOUT" in done.output


@pytest.mark.parametrize("value", ["soon", "30 s", "-1", "1e3s", "5d"])
def test_a_malformed_timeout_is_bad_input(ledger, value):
    done = cli(ledger, *REPORT, ROTH_LEDGER_PG_LOCK_TIMEOUT=value)
    assert done.exit_code == 2, done.output
    assert done.output.startswith("error: ROTH_LEDGER_PG_LOCK_TIMEOUT: ")
    assert "is not a duration" in done.output


@pytest.fixture
def two_schemas() -> Iterator[tuple[str, str, str]]:
    """Three fresh schemas of one database (``small_``...), dropped after: the URLs of a
    ledger in the first and one in the second, and the third schema's name (empty)."""
    base = pg_base_url()
    if base is None:
        pytest.skip(PG_SKIP)
    tag = uuid.uuid4().hex[:10]
    names = [f"small_{tag}_{part}" for part in ("a", "b", "empty")]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for name in names:
                conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
        urls = [
            make_url(base)
            .update_query_dict({"options": f"-csearch_path={name}"})
            .render_as_string(hide_password=False)
            for name in names[:2]
        ]
        for url in urls:
            assert cli(url, "import", EXAMPLE).exit_code == 0
        yield urls[0], urls[1], names[2]
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        admin.dispose()


def test_writers_of_ledgers_in_two_schemas_do_not_wait_for_each_other(two_schemas):
    first, second, _ = two_schemas
    before = count(second)
    store = open_store(first)
    try:
        with store.bulk_import():  # a writer of the first ledger, mid-transaction
            done = cli(second, *RECORD, ROTH_LEDGER_PG_LOCK_TIMEOUT="300ms")
            assert done.exit_code == 0, done.output
            held = cli(first, *RECORD, ROTH_LEDGER_PG_LOCK_TIMEOUT="300ms")
            assert held.exit_code == 5, held.output  # its own ledger's writers do wait
    finally:
        store.close()
    assert count(second) == before + 1


def test_the_lock_is_the_ledgers_whatever_else_the_search_path_names(two_schemas):
    """A session whose search path names an empty schema first still writes the
    ledger's tables, so it takes that ledger's lock (not one for the empty schema)."""
    _, second, empty = two_schemas
    schema = str(make_url(second).query["options"]).split("=", 1)[1]
    wider = (
        make_url(second)
        .update_query_dict({"options": f"-csearch_path={empty},{schema}"})
        .render_as_string(hide_password=False)
    )
    before = count(second)
    store = open_store(wider)
    try:
        with store.bulk_import():
            done = cli(second, *RECORD, ROTH_LEDGER_PG_LOCK_TIMEOUT="300ms")
            assert done.exit_code == 5, done.output
            assert "another session held a lock on the ledger" in done.output
    finally:
        store.close()
    assert count(second) == before
