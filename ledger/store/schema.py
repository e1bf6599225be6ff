"""The schema revision the code expects, and a new ledger's schema in one go.

The Alembic revisions in ``migrations/`` own the schema: they are the upgrade path of
every existing ledger, and the reference. An empty database, though, needs no history
replayed: :func:`create_head` runs, in the caller's transaction, the DDL statements the
migrations issue on an empty database of that dialect -- recorded from them, verbatim, in
:data:`SQLITE` and :data:`POSTGRESQL` -- and stamps ``alembic_version`` with
:data:`HEAD_REVISION`, without importing Alembic (or SQLModel, which the migrations'
environment needs). ``tests/store/test_schema.py`` re-records the statements from the
migrations and proves both that they are these and that the two ways give the same
database (catalog, triggers, functions, sequences, ``alembic_version``); after a new
migration, ``python -m tests.store.record_schema`` writes them again.
"""

from __future__ import annotations

from typing import Any

#: Alembic revision the code expects (checked cheaply on open; a test ties it to the scripts).
HEAD_REVISION = "0005"

# --- recorded from the migrations (python -m tests.store.record_schema): start
SQLITE: tuple[str, ...] = (
    "\nCREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)\n\n",
    "\nCREATE TABLE events (\n\tposition INTEGER NOT NULL, \n\thousehold VARCHAR NOT NULL, \n\tevent_id VARCHAR NOT NULL, \n\tversion INTEGER NOT NULL, \n\tkind VARCHAR NOT NULL, \n\tschema_version INTEGER NOT NULL, \n\tpayload TEXT NOT NULL, \n\teffective_date DATE, \n\ttax_year INTEGER, \n\trecorded_at DATETIME NOT NULL, \n\trecorded_by VARCHAR NOT NULL, \n\tprev_hash VARCHAR(64) NOT NULL, \n\thash VARCHAR(64) NOT NULL, \n\tCONSTRAINT pk_events PRIMARY KEY (position), \n\tCONSTRAINT uq_events_household_version UNIQUE (household, version), \n\tCONSTRAINT uq_events_household_event_id UNIQUE (household, event_id)\n)\n\n",
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events\n    BEGIN SELECT RAISE(ABORT, 'events are append-only: record a void event instead of changing or deleting one'); END",
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events\n    BEGIN SELECT RAISE(ABORT, 'events are append-only: record a void event instead of changing or deleting one'); END",
    "\nCREATE TABLE users (\n\tusername VARCHAR NOT NULL, \n\trole VARCHAR NOT NULL, \n\thousehold VARCHAR, \n\tpassword_hash VARCHAR NOT NULL, \n\tdisabled BOOLEAN NOT NULL, \n\tfailed_logins INTEGER NOT NULL, \n\tlocked_until BIGINT, \n\tcreated_at BIGINT NOT NULL, \n\tCONSTRAINT pk_users PRIMARY KEY (username)\n)\n\n",
    "\nCREATE TABLE web_sessions (\n\ttoken_hash VARCHAR(64) NOT NULL, \n\tusername VARCHAR NOT NULL, \n\tcsrf_token VARCHAR NOT NULL, \n\tcreated_at BIGINT NOT NULL, \n\texpires_at BIGINT NOT NULL, \n\tCONSTRAINT pk_web_sessions PRIMARY KEY (token_hash), \n\tCONSTRAINT fk_web_sessions_username FOREIGN KEY(username) REFERENCES users (username)\n)\n\n",
    "CREATE INDEX ix_web_sessions_username ON web_sessions (username)",
    "CREATE TRIGGER events_no_replace_id BEFORE INSERT ON events\n    WHEN EXISTS (\n        SELECT 1 FROM events WHERE household = NEW.household AND event_id = NEW.event_id\n    )\n    BEGIN SELECT RAISE(ABORT, 'events are append-only: an event with this id (events.event_id) is already stored'); END",
    "CREATE TRIGGER events_no_replace_version BEFORE INSERT ON events\n    WHEN EXISTS (\n        SELECT 1 FROM events\n        WHERE position = NEW.position OR (household = NEW.household AND version = NEW.version)\n    )\n    BEGIN SELECT RAISE(ABORT, 'events are append-only: an event with this position or version is already stored'); END",
    "ALTER TABLE events ADD COLUMN mac VARCHAR(64)",
    "\nCREATE TABLE ledger_keys (\n\tfingerprint VARCHAR(16) NOT NULL, \n\tsince_position BIGINT NOT NULL, \n\tsealed TEXT NOT NULL, \n\tmac VARCHAR(64) NOT NULL, \n\tcreated_at DATETIME NOT NULL, \n\tCONSTRAINT pk_ledger_keys PRIMARY KEY (fingerprint)\n)\n\n",
    "CREATE TRIGGER ledger_keys_no_update BEFORE UPDATE ON ledger_keys\n    BEGIN SELECT RAISE(ABORT, 'events are append-only: record a void event instead of changing or deleting one'); END",
    "CREATE TRIGGER ledger_keys_no_delete BEFORE DELETE ON ledger_keys\n    BEGIN SELECT RAISE(ABORT, 'events are append-only: record a void event instead of changing or deleting one'); END",
)
POSTGRESQL: tuple[str, ...] = (
    "\nCREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)\n\n",
    "\nCREATE TABLE events (\n\tposition BIGSERIAL NOT NULL, \n\thousehold VARCHAR NOT NULL, \n\tevent_id VARCHAR NOT NULL, \n\tversion INTEGER NOT NULL, \n\tkind VARCHAR NOT NULL, \n\tschema_version INTEGER NOT NULL, \n\tpayload TEXT NOT NULL, \n\teffective_date DATE, \n\ttax_year INTEGER, \n\trecorded_at TIMESTAMP WITH TIME ZONE NOT NULL, \n\trecorded_by VARCHAR NOT NULL, \n\tprev_hash VARCHAR(64) NOT NULL, \n\thash VARCHAR(64) NOT NULL, \n\tCONSTRAINT pk_events PRIMARY KEY (position), \n\tCONSTRAINT uq_events_household_version UNIQUE (household, version), \n\tCONSTRAINT uq_events_household_event_id UNIQUE (household, event_id)\n)\n\n",
    "CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$\n    BEGIN\n        RAISE EXCEPTION 'events are append-only: record a void event instead of changing or deleting one (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';\n    END $$",
    "CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events\n    FOR EACH ROW EXECUTE FUNCTION events_append_only()",
    "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events\n    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()",
    "\nCREATE TABLE users (\n\tusername VARCHAR NOT NULL, \n\trole VARCHAR NOT NULL, \n\thousehold VARCHAR, \n\tpassword_hash VARCHAR NOT NULL, \n\tdisabled BOOLEAN NOT NULL, \n\tfailed_logins INTEGER NOT NULL, \n\tlocked_until BIGINT, \n\tcreated_at BIGINT NOT NULL, \n\tCONSTRAINT pk_users PRIMARY KEY (username)\n)\n\n",
    "\nCREATE TABLE web_sessions (\n\ttoken_hash VARCHAR(64) NOT NULL, \n\tusername VARCHAR NOT NULL, \n\tcsrf_token VARCHAR NOT NULL, \n\tcreated_at BIGINT NOT NULL, \n\texpires_at BIGINT NOT NULL, \n\tCONSTRAINT pk_web_sessions PRIMARY KEY (token_hash), \n\tCONSTRAINT fk_web_sessions_username FOREIGN KEY(username) REFERENCES users (username)\n)\n\n",
    "CREATE INDEX ix_web_sessions_username ON web_sessions (username)",
    "ALTER TABLE events ADD COLUMN mac VARCHAR(64)",
    "\nCREATE TABLE ledger_keys (\n\tfingerprint VARCHAR(16) NOT NULL, \n\tsince_position BIGINT NOT NULL, \n\tsealed TEXT NOT NULL, \n\tmac VARCHAR(64) NOT NULL, \n\tcreated_at TIMESTAMP WITH TIME ZONE NOT NULL, \n\tCONSTRAINT pk_ledger_keys PRIMARY KEY (fingerprint)\n)\n\n",
    "CREATE TRIGGER ledger_keys_no_update_delete BEFORE UPDATE OR DELETE ON ledger_keys\n    FOR EACH ROW EXECUTE FUNCTION events_append_only()",
    "CREATE TRIGGER ledger_keys_no_truncate BEFORE TRUNCATE ON ledger_keys\n    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()",
    'ALTER TABLE events ALTER COLUMN household TYPE VARCHAR COLLATE "C"',
)
# --- recorded from the migrations: end

STAMP = f"INSERT INTO alembic_version (version_num) VALUES ('{HEAD_REVISION}')"


def head_statements(dialect: str) -> tuple[str, ...]:
    """The DDL of the head schema on ``dialect`` (``sqlite`` or ``postgresql``)."""
    return SQLITE if dialect == "sqlite" else POSTGRESQL


def create_head(conn: Any, one_query: bool = True) -> None:
    """Create the head schema in the empty database of ``conn`` (the store's
    :class:`~ledger.store.dbapi.Connection`, or SQLAlchemy's), in its open transaction,
    and stamp it with :data:`HEAD_REVISION`. The statements go to the driver as they
    are, without a parameter collection (``no_parameters``: psycopg leaves a ``%``
    alone). On PostgreSQL they are ONE simple query (:func:`head_script`: the statements
    in order, each ended by ``;``): one round trip instead of one per statement; the
    server runs them in order, in the open transaction, and the first that fails fails
    the query (nothing after it runs; the transaction rolls back). ``one_query=False``:
    one round trip per statement (the reference; SQLite's ``execute`` takes one
    statement, so SQLite always goes this way)."""
    plain = {"no_parameters": True}
    if one_query and conn.dialect.name == "postgresql":
        conn.exec_driver_sql(head_script(), execution_options=plain)
        return
    for statement in head_statements(conn.dialect.name):
        conn.exec_driver_sql(statement, execution_options=plain)
    conn.exec_driver_sql(STAMP, execution_options=plain)


def head_script() -> str:
    """PostgreSQL's head statements and the stamp as one multi-statement query text."""
    return ";\n".join((*POSTGRESQL, STAMP))
