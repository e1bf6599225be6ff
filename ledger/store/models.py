"""The event store's table, ``events``, as a SQLModel table class (and, at the end, the
web desk's ``users`` and ``web_sessions``).

The schema itself is owned by the Alembic revisions in ``migrations/``; this class is the
metadata they are checked against (a test proves migrated schema and metadata agree). The
store's own code never imports this module (it writes its SQL itself), so a command pays
for SQLModel and pydantic only where the web desk's ``users`` code needs the tables.
Bulk work never builds ``EventRow`` objects: :mod:`ledger.store.sql` uses SQLAlchemy Core
on ``EVENTS`` (the table) with plain dicts.

One row per event, append-only (database triggers refuse UPDATE and DELETE):

* ``position`` — global order of arrival (integer primary key, autoincrement);
* ``household`` + ``version`` — the household's stream; ``UNIQUE(household, version)`` is
  the optimistic-concurrency control *and* the index that loads one household;
* ``household`` + ``event_id`` — an id is unique within its household;
* ``payload`` — canonical JSON (``ledger.events.canonical_json``) of the event's fields;
* ``prev_hash`` / ``hash`` — the per-household hash chain (:mod:`ledger.store.hashing`);
* ``mac`` — HMAC-SHA256 of ``hash`` with the ledger's key, null when written without one
  (:mod:`ledger.store.keyed`; migration 0004, with ``ledger_keys``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

#: Position is BIGINT on servers; on SQLite it must be plain INTEGER to alias the rowid.
POSITION_TYPE = BigInteger().with_variant(Integer(), "sqlite")


class EventRow(SQLModel, table=True):
    """A stored event (see module docstring for the meaning of each column)."""

    __tablename__ = "events"
    __table_args__ = (
        PrimaryKeyConstraint("position", name="pk_events"),
        UniqueConstraint("household", "version", name="uq_events_household_version"),
        UniqueConstraint("household", "event_id", name="uq_events_household_event_id"),
    )

    position: int | None = Field(
        default=None,
        sa_column=Column("position", POSITION_TYPE, primary_key=True, autoincrement=True),
    )
    household: str = Field(
        sa_column=Column(
            "household",
            String().with_variant(String(collation="C"), "postgresql"),  # migration 0005
            nullable=False,
        )
    )
    event_id: str = Field(sa_column=Column("event_id", String(), nullable=False))
    version: int = Field(sa_column=Column("version", Integer(), nullable=False))
    kind: str = Field(sa_column=Column("kind", String(), nullable=False))
    schema_version: int = Field(sa_column=Column("schema_version", Integer(), nullable=False))
    payload: str = Field(sa_column=Column("payload", Text(), nullable=False))
    effective_date: dt.date | None = Field(
        default=None, sa_column=Column("effective_date", Date(), nullable=True)
    )
    tax_year: int | None = Field(
        default=None, sa_column=Column("tax_year", Integer(), nullable=True)
    )
    recorded_at: dt.datetime = Field(
        sa_column=Column("recorded_at", DateTime(timezone=True), nullable=False)
    )
    recorded_by: str = Field(sa_column=Column("recorded_by", String(), nullable=False))
    prev_hash: str = Field(sa_column=Column("prev_hash", String(64), nullable=False))
    hash: str = Field(sa_column=Column("hash", String(64), nullable=False))
    mac: str | None = Field(default=None, sa_column=Column("mac", String(64), nullable=True))


class LedgerKeyRow(SQLModel, table=True):
    """The record that keyed the ledger (migration 0004; append-only): the key's
    fingerprint, the first position every event must carry a MAC from, the heads sealed
    then (canonical JSON) and the record's MAC (:mod:`ledger.store.keyed`)."""

    __tablename__ = "ledger_keys"
    __table_args__ = (PrimaryKeyConstraint("fingerprint", name="pk_ledger_keys"),)

    fingerprint: str = Field(sa_column=Column("fingerprint", String(16), primary_key=True))
    since_position: int = Field(sa_column=Column("since_position", BigInteger(), nullable=False))
    sealed: str = Field(sa_column=Column("sealed", Text(), nullable=False))
    mac: str = Field(sa_column=Column("mac", String(64), nullable=False))
    created_at: dt.datetime = Field(
        sa_column=Column("created_at", DateTime(timezone=True), nullable=False)
    )


class UserRow(SQLModel, table=True):
    """Someone who signs in to the web desk (migration 0002): ``role`` is ``preparer``
    (every household) or ``client`` (``household`` only); ``password_hash`` an argon2id
    hash; ``failed_logins`` in a row and ``locked_until`` (Unix seconds) for lock-out."""

    __tablename__ = "users"
    __table_args__ = (PrimaryKeyConstraint("username", name="pk_users"),)

    username: str = Field(sa_column=Column("username", String(), primary_key=True))
    role: str = Field(sa_column=Column("role", String(), nullable=False))
    household: str | None = Field(
        default=None, sa_column=Column("household", String(), nullable=True)
    )
    password_hash: str = Field(sa_column=Column("password_hash", String(), nullable=False))
    disabled: bool = Field(sa_column=Column("disabled", Boolean(), nullable=False))
    failed_logins: int = Field(sa_column=Column("failed_logins", Integer(), nullable=False))
    locked_until: int | None = Field(
        default=None, sa_column=Column("locked_until", BigInteger(), nullable=True)
    )
    created_at: int = Field(sa_column=Column("created_at", BigInteger(), nullable=False))


class WebSessionRow(SQLModel, table=True):
    """A signed-in browser (migration 0002): the SHA-256 of its cookie's token, its CSRF
    token and when it expires (Unix seconds)."""

    __tablename__ = "web_sessions"
    __table_args__ = (
        PrimaryKeyConstraint("token_hash", name="pk_web_sessions"),
        ForeignKeyConstraint(["username"], ["users.username"], name="fk_web_sessions_username"),
        Index("ix_web_sessions_username", "username"),
    )

    token_hash: str = Field(sa_column=Column("token_hash", String(64), primary_key=True))
    username: str = Field(sa_column=Column("username", String(), nullable=False))
    csrf_token: str = Field(sa_column=Column("csrf_token", String(), nullable=False))
    created_at: int = Field(sa_column=Column("created_at", BigInteger(), nullable=False))
    expires_at: int = Field(sa_column=Column("expires_at", BigInteger(), nullable=False))


EVENTS: Table = EventRow.__table__  # type: ignore[attr-defined]
USERS: Table = UserRow.__table__  # type: ignore[attr-defined]
WEB_SESSIONS: Table = WebSessionRow.__table__  # type: ignore[attr-defined]
LEDGER_KEYS: Table = LedgerKeyRow.__table__  # type: ignore[attr-defined]
METADATA: MetaData = SQLModel.metadata
