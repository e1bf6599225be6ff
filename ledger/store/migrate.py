"""Bringing a database to the Alembic head revision.

Opening a store checks ``alembic_version`` with one plain query (:func:`revision_of`).
An empty database gets the head schema from :func:`ledger.store.schema.create_head` (the
DDL the migrations issue, recorded from them; no history replayed); Alembic itself is
imported only when an existing ledger is at an older revision, so the command line never
loads it (nor SQLModel, which the migrations' environment needs) on its way. Upgrades run
inside one transaction holding the writer lock (``BEGIN IMMEDIATE`` on SQLite, an advisory
lock on PostgreSQL, one per ledger: :data:`PG_LOCK_SQL`), so processes opening a new
database at the same moment create or migrate it exactly once.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .api import StoreError
from .schema import HEAD_REVISION, create_head

if TYPE_CHECKING:
    from .dbapi import Database
    from .dburl import URL

#: the first key of the writer lock migrations and appends take ("roth" in ASCII)
PG_LOCK_CLASS = 0x726F7468

#: the writer lock on PostgreSQL: ``pg_advisory_xact_lock(class, ledger)`` keyed by the
#: ledger, the schema of the ``events`` table the search path finds (before a new
#: ledger's tables exist: the schema they will be created in, ``current_schema()``), as
#: its OID (no two schemas share one). Advisory locks are per database: one constant key
#: made writers of ledgers in different schemas of one database wait for each other,
#: while every writer of one ledger -- whatever else its search path names -- takes this
#: one lock. Older roth-ledger versions took the one-key lock
#: ``pg_advisory_xact_lock(0x726F7468)``, which does not exclude this one: stop their
#: writers before this version's start (README, "Waiting on PostgreSQL").
PG_LOCK_SQL = (
    f"SELECT pg_catalog.pg_advisory_xact_lock({PG_LOCK_CLASS}, coalesce("
    "(SELECT c.relnamespace FROM pg_catalog.pg_class c WHERE c.relname = 'events' "
    "AND c.relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(c.oid)), "
    "(SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname = current_schema()), "
    "0::oid)::int)"
)


#: whether ``alembic_version`` is a table the search path finds, read from ``pg_class``
#: with the statement's own snapshot (as SQLAlchemy's ``has_table``): ``to_regclass``
#: answers from the session's name cache, which after waiting for the advisory lock of
#: :func:`upgrade_engine` may still say "no such table" for one another session has just
#: created (nothing processes its invalidations before the next lock on a relation), and
#: the second of two processes creating one new ledger would then create it again
_PG_HAS_VERSION_TABLE = (
    "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class WHERE relname = 'alembic_version' "
    "AND relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(oid))"
)


def revision_of(conn: Any) -> str | None:
    """The database's Alembic revision (None for a database never migrated), on the
    store's :class:`~ledger.store.dbapi.Connection` or SQLAlchemy's."""
    if conn.dialect.name == "sqlite":
        exists = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).scalar()
    else:
        exists = conn.exec_driver_sql(_PG_HAS_VERSION_TABLE).scalar()
    if not exists:
        return None
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def ensure_head(database: Database) -> None:
    """Upgrade the database to head unless it is there already (the cheap common case:
    on PostgreSQL two statements in autocommit, no BEGIN and ROLLBACK round trips)."""
    with database.connect() as conn, conn.autocommit():
        revision = revision_of(conn)
        conn.rollback()
    if revision != HEAD_REVISION:
        upgrade_engine(database)


def upgrade_engine(database: Database) -> None:
    """Bring the database to head under the writer lock: an empty one by
    :func:`~ledger.store.schema.create_head` (on the store's own connection), an older
    one by ``alembic upgrade head`` (:func:`upgrade_with_alembic`, on SQLAlchemy)."""
    with database.connect().execution_options(immediate=True) as conn:
        with conn.begin():
            revision = _locked_revision(conn)
            if revision == HEAD_REVISION:
                return
            if revision is None:
                create_head(conn)
                return
    upgrade_with_alembic(database.url)


def _locked_revision(conn: Any) -> str | None:
    """Take the writer lock (SQLite: ``BEGIN IMMEDIATE`` did) and read the revision."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(PG_LOCK_SQL)
    return revision_of(conn)


def upgrade_with_alembic(url: URL) -> None:
    """An older (or unknown) revision: under the writer lock on a SQLAlchemy engine,
    refuse a revision this version does not know, else replay the migrations."""
    from .engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect().execution_options(immediate=True) as conn:
            with conn.begin():
                revision = _locked_revision(conn)
                if revision == HEAD_REVISION:
                    return
                if revision is None:
                    create_head(conn)
                    return
                known = known_revisions()
                if revision not in known:
                    raise StoreError(
                        f"the database is at schema revision {revision!r}, which this "
                        f"version of roth-ledger does not know (it expects {HEAD_REVISION!r}); "
                        "upgrade roth-ledger"
                    )
                replay_migrations(conn)
    finally:
        engine.dispose()


def replay_migrations(conn: Any) -> None:
    """``alembic upgrade head`` in the open transaction of ``conn`` (the reference way:
    every migration from the database's revision on, an empty database included)."""
    from alembic import command

    command.upgrade(alembic_config(conn), "head")


def alembic_config(conn: Any = None):
    """An Alembic ``Config`` built in code: scripts from the installed ``migrations``
    package, the connection handed over in ``attributes`` (works from a wheel)."""
    from alembic.config import Config

    import migrations

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    if conn is not None:
        config.attributes["connection"] = conn
    return config


def known_revisions() -> set[str]:
    """Every revision of the migration scripts (loads Alembic)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def script_head() -> str | None:
    """The head revision of the migration scripts (tests tie it to ``HEAD_REVISION``)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
