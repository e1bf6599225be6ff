"""The connection pool of ``ledger.store.dbapi``: a connection whose rollback fails when
it goes back is closed and dropped, as SQLAlchemy's pool does -- and, as SQLAlchemy
does, the failure is logged (a warning with the driver's error, never the password)."""

from __future__ import annotations

import logging

from ledger.store.dbapi import Database, Dialect
from ledger.store.dburl import make_url

URL = "postgresql+psycopg://roth_app:s3cret-pw@db.internal/firm"


class Driver:
    """A driver connection whose rollback fails (a server gone mid-session)."""

    def __init__(self, fail: bool):
        self.fail = fail
        self.closed = False

    def rollback(self) -> None:
        if self.fail:
            raise OSError("server closed the connection unexpectedly")

    def close(self) -> None:
        self.closed = True


def _database(drivers: list[Driver], singleton: bool = False) -> Database:
    made = iter(drivers)
    return Database(
        make_url(URL), Dialect("postgresql", None), lambda: next(made), singleton=singleton
    )


def test_a_failed_rollback_on_return_is_logged_and_the_connection_dropped(caplog):
    broken, fresh = Driver(fail=True), Driver(fail=False)
    database = _database([broken, fresh])
    with caplog.at_level(logging.WARNING, logger="ledger.store.dbapi"):
        database.raw_connection().close()
    assert broken.closed  # closed, and not lent again
    assert database.raw_connection().driver_connection is fresh
    [record] = [r for r in caplog.records if r.name == "ledger.store.dbapi"]
    assert record.levelno == logging.WARNING
    text = record.getMessage()
    assert "server closed the connection unexpectedly" in text and "OSError" in text
    assert "db.internal/firm" in text
    assert "s3cret-pw" not in text and "s3cret-pw" not in caplog.text


def test_a_good_return_is_silent_and_pooled(caplog):
    driver = Driver(fail=False)
    database = _database([driver])
    with caplog.at_level(logging.DEBUG, logger="ledger.store.dbapi"):
        database.raw_connection().close()
        assert database.raw_connection().driver_connection is driver
    assert not driver.closed
    assert not [r for r in caplog.records if r.name == "ledger.store.dbapi"]


def test_an_in_memory_databases_connection_is_logged_too(caplog):
    broken, fresh = Driver(fail=True), Driver(fail=False)
    database = _database([broken, fresh], singleton=True)
    with caplog.at_level(logging.WARNING, logger="ledger.store.dbapi"):
        database.raw_connection().close()
    assert broken.closed
    assert database.raw_connection().driver_connection is fresh
    assert "server closed the connection unexpectedly" in caplog.text


def test_a_real_sqlite_connection_closed_under_the_pool(tmp_path, caplog):
    from ledger.store.dbapi import make_database
    from ledger.store.urls import resolve

    database = make_database(resolve(str(tmp_path / "pool.db")))
    pooled = database.raw_connection()
    pooled.driver_connection.close()  # rollback now raises sqlite3.ProgrammingError
    with caplog.at_level(logging.WARNING, logger="ledger.store.dbapi"):
        pooled.close()
    assert "ProgrammingError" in caplog.text and "closed database" in caplog.text
    assert database.raw_connection().driver_connection is not pooled.driver_connection
    database.dispose()
