"""Users of the web desk and their sessions: the ``users`` and ``web_sessions`` tables.

Plain rows in and out (:class:`User`, :class:`Session`); the rules about them (hashing,
lock-out, who sees which household) live in :mod:`ledger.app.accounts`. Each function
is one short transaction on the store's engine, so several server processes share one
truth: a session ended or a user disabled in one is gone in all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ..dataclass import dataclass
from .api import BadDatabaseUrl, StoreError
from .engine import translated
from .models import USERS, WEB_SESSIONS


@dataclass(frozen=True, slots=True)
class User:
    username: str
    role: str
    household: str | None
    password_hash: str
    disabled: bool
    failed_logins: int
    locked_until: int | None
    created_at: int


@dataclass(frozen=True, slots=True)
class Session:
    username: str
    csrf_token: str
    created_at: int
    expires_at: int


class UserExists(StoreError):
    def __init__(self, username: str):
        super().__init__(f"user {username!r} already exists")


def require_shared(store) -> None:
    """Users and sessions must live in the one ledger database the events are in, seen by
    every process and thread that serves it. A ledger only this process sees -- an
    in-memory SQLite database (``sqlite://``: one private database per connection, so per
    server thread, gone when the process ends) or the memory store -- can hold no user
    that ``roth-ledger user add`` made and would keep them apart from the events: it is
    refused (bad input, exit 2), never a web desk nobody can sign in to."""
    if getattr(store, "engine", None) is None or not store.capabilities.reopen_in_fork:
        where = getattr(store, "url", None)
        raise BadDatabaseUrl(
            f"the web desk and its users need a ledger file or PostgreSQL, not "
            f"{'an in-memory database (' + str(where) + ')' if where else 'an in-memory store'}: "
            "only this process could see it (no `roth-ledger user add` can reach it, and "
            "each server thread would get an empty one); name a file, e.g. --db ledger.db"
        )


def _engine(store):
    """The store's SQLAlchemy engine (SQLAlchemy Core for these tables)."""
    require_shared(store)
    return store.sqlalchemy_engine()


@contextmanager
def _writing(store) -> Iterator[Connection]:
    """One write transaction (on SQLite ``BEGIN IMMEDIATE``: the write lock first)."""
    with translated(store.url, "write to"):
        with _engine(store).connect().execution_options(immediate=True) as conn:
            with conn.begin():
                yield conn


@contextmanager
def _reading(store) -> Iterator[Connection]:
    with translated(store.url, "read"), _engine(store).connect() as conn:
        yield conn


def _user(row) -> User:
    return User(
        row.username,
        row.role,
        row.household,
        row.password_hash,
        bool(row.disabled),
        row.failed_logins,
        row.locked_until,
        row.created_at,
    )


def add_user(store, user: User) -> None:
    with _writing(store) as conn:
        try:
            conn.execute(
                insert(USERS).values(
                    username=user.username,
                    role=user.role,
                    household=user.household,
                    password_hash=user.password_hash,
                    disabled=user.disabled,
                    failed_logins=user.failed_logins,
                    locked_until=user.locked_until,
                    created_at=user.created_at,
                )
            )
        except IntegrityError:
            raise UserExists(user.username) from None


def get_user(store, username: str) -> User | None:
    with _reading(store) as conn:
        row = conn.execute(select(USERS).where(USERS.c.username == username)).first()
    return _user(row) if row is not None else None


def list_users(store) -> list[User]:
    with _reading(store) as conn:
        rows = conn.execute(select(USERS).order_by(USERS.c.username)).all()
    return [_user(r) for r in rows]


def set_disabled(store, username: str, disabled: bool) -> bool:
    """Disable (or enable) a user; disabling ends their sessions. False: no such user."""
    with _writing(store) as conn:
        done = conn.execute(
            update(USERS).where(USERS.c.username == username).values(disabled=disabled)
        ).rowcount
        if disabled:
            conn.execute(delete(WEB_SESSIONS).where(WEB_SESSIONS.c.username == username))
    return bool(done)


def set_password(store, username: str, password_hash: str) -> bool:
    with _writing(store) as conn:
        done = conn.execute(
            update(USERS)
            .where(USERS.c.username == username)
            .values(password_hash=password_hash, failed_logins=0, locked_until=None)
        ).rowcount
    return bool(done)


def record_failure(store, username: str, lock_after: int, lock_until: int) -> int:
    """Count a failed sign-in (in the database, so every server process sees it); from
    the ``lock_after``-th failure in a row the user is locked until ``lock_until``.
    Returns the failures in a row."""
    with _writing(store) as conn:
        conn.execute(
            update(USERS)
            .where(USERS.c.username == username)
            .values(failed_logins=USERS.c.failed_logins + 1)
        )
        count = conn.execute(
            select(USERS.c.failed_logins).where(USERS.c.username == username)
        ).scalar()
        if count is not None and count >= lock_after:
            conn.execute(
                update(USERS).where(USERS.c.username == username).values(locked_until=lock_until)
            )
    return count or 0


def clear_failures(store, username: str) -> None:
    with _writing(store) as conn:
        conn.execute(
            update(USERS)
            .where(USERS.c.username == username)
            .values(failed_logins=0, locked_until=None)
        )


def add_session(store, token_hash: str, session: Session) -> None:
    with _writing(store) as conn:
        conn.execute(
            insert(WEB_SESSIONS).values(
                token_hash=token_hash,
                username=session.username,
                csrf_token=session.csrf_token,
                created_at=session.created_at,
                expires_at=session.expires_at,
            )
        )


def get_session(store, token_hash: str) -> Session | None:
    with _reading(store) as conn:
        row = conn.execute(
            select(WEB_SESSIONS).where(WEB_SESSIONS.c.token_hash == token_hash)
        ).first()
    if row is None:
        return None
    return Session(row.username, row.csrf_token, row.created_at, row.expires_at)


def delete_session(store, token_hash: str) -> None:
    with _writing(store) as conn:
        conn.execute(delete(WEB_SESSIONS).where(WEB_SESSIONS.c.token_hash == token_hash))


def delete_expired_sessions(store, now: int) -> int:
    with _writing(store) as conn:
        return conn.execute(delete(WEB_SESSIONS).where(WEB_SESSIONS.c.expires_at <= now)).rowcount
