"""Who may use the web desk, and what they may see: users, sign-in and sessions.

* Passwords are kept as argon2id hashes (RFC 9106; ``argon2-cffi``'s defaults, memory
  hard), never in the clear; a hash made with older parameters is replaced on the next
  good sign-in.
* Sign-in is refused with one message for every cause (no such user, wrong password,
  disabled, locked), so a refusal does not tell which names exist. After
  :data:`LOCK_AFTER` failures in a row a user is locked for :data:`LOCK_SECONDS`, even
  with the right password; the count lives in the database, so every server process
  enforces it. An unknown name costs the same hash verification as a known one.
* A session is a random 256-bit token held by the browser; the database keeps only its
  SHA-256, with a CSRF token and an absolute expiry (:data:`SESSION_SECONDS`).
* A ``preparer`` sees every household of the ledger, a ``client`` only their own
  (:func:`can_see`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time

from .. import events as ev
from ..dataclass import dataclass
from ..errors import LedgerError, NotFound, shown
from ..store import users as rows
from ..store.api import EventStore
from ..store.users import Session, User

ROLES = ("preparer", "client")
LOCK_AFTER = 5
LOCK_SECONDS = 15 * 60
SESSION_SECONDS = 8 * 60 * 60
SHORT_PASSWORD = 8
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")

__all__ = [
    "LOCK_AFTER",
    "LOCK_SECONDS",
    "ROLES",
    "SESSION_SECONDS",
    "Session",
    "SignInRefused",
    "User",
    "add_user",
    "authenticate",
    "can_see",
    "disable_user",
    "end_session",
    "list_users",
    "session_user",
    "start_session",
]


class SignInRefused(LedgerError):
    def __init__(self) -> None:
        super().__init__(
            "sign-in failed: wrong user name or password (after "
            f"{LOCK_AFTER} failures in a row an account is locked for "
            f"{LOCK_SECONDS // 60} minutes)"
        )


def _hasher():
    try:
        from argon2 import PasswordHasher
    except ImportError:  # pragma: no cover - the web extra is not installed
        raise LedgerError("users need the web extra: pip install 'roth-ledger[web]'") from None
    return PasswordHasher()  # argon2id (Type.ID), RFC 9106 low-memory profile


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(hash_password(secrets.token_urlsafe(16)))
    return _DUMMY[0]


def add_user(
    store: EventStore, username: str, role: str, password: str, household: str | None = None
) -> tuple[User, list[str]]:
    """Create a user; returns it and notes for the person running the command."""
    notes = []
    if not _NAME.fullmatch(username or ""):
        raise LedgerError(
            f"user name {shown(username)}: use 1-64 letters, digits and . _ @ + - "
            "(starting with a letter or digit)"
        )
    if role not in ROLES:
        raise LedgerError(f"--role: {shown(role)} is not one of {', '.join(ROLES)}")
    if household is not None:
        try:  # the id a ledger file would give it
            ev.checked_id(household)
        except ValueError as exc:
            raise LedgerError(f"--household: {exc}") from None
    if role == "client" and not household:
        raise LedgerError("--household: a client needs the household they may see")
    if role == "preparer" and household:
        raise LedgerError("--household: a preparer sees every household; leave it out")
    if not password:
        raise LedgerError("password: empty")
    if len(password) < SHORT_PASSWORD:
        notes.append(f"the password is shorter than {SHORT_PASSWORD} characters")
    if household and household not in store.households():
        notes.append(f"household {household!r} has no events yet; the client can start it")
    user = User(
        username=username,
        role=role,
        household=household,
        password_hash=hash_password(password),
        disabled=False,
        failed_logins=0,
        locked_until=None,
        created_at=int(time.time()),
    )
    rows.add_user(store, user)
    return user, notes


@dataclass(frozen=True, slots=True)
class Listed:
    user: User
    state: str  # active | locked | disabled


def list_users(store: EventStore, now: float | None = None) -> list[Listed]:
    """Every user, by name, with their state."""
    now = time.time() if now is None else now
    return [
        Listed(u, "disabled" if u.disabled else "locked" if is_locked(u, now) else "active")
        for u in rows.list_users(store)
    ]


def disable_user(store: EventStore, username: str) -> None:
    """Disable a user and end every session they have."""
    if not rows.set_disabled(store, username, True):
        raise NotFound(f"no user {shown(username)}")


def is_locked(user: User, now: float) -> bool:
    return user.locked_until is not None and user.locked_until > now


def authenticate(store: EventStore, username: str, password: str, now: float | None = None) -> User:
    """The user, if the password is theirs and they may sign in; else SignInRefused."""
    now = time.time() if now is None else now
    user = rows.get_user(store, username) if username else None
    if user is None:
        password_matches(_dummy_hash(), password)  # the same work as for a real name
        raise SignInRefused()
    if user.disabled or is_locked(user, now):
        raise SignInRefused()
    if not password_matches(user.password_hash, password):
        rows.record_failure(store, username, LOCK_AFTER, int(now) + LOCK_SECONDS)
        raise SignInRefused()
    if user.failed_logins or user.locked_until:
        rows.clear_failures(store, username)
    if _hasher().check_needs_rehash(user.password_hash):
        rows.set_password(store, username, hash_password(password))
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(store: EventStore, user: User, now: float | None = None) -> tuple[str, Session]:
    """A new session: the token for the browser's cookie, and the session."""
    now = int(time.time() if now is None else now)
    rows.delete_expired_sessions(store, now)
    token = secrets.token_urlsafe(32)
    session = Session(user.username, secrets.token_urlsafe(32), now, now + SESSION_SECONDS)
    rows.add_session(store, _digest(token), session)
    return token, session


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: User
    session: Session


def session_user(store: EventStore, token: str | None, now: float | None = None) -> SignedIn | None:
    """Who holds this session token, if the session is live and the user still may."""
    if not token:
        return None
    now = time.time() if now is None else now
    digest = _digest(token)
    session = rows.get_session(store, digest)
    if session is None:
        return None
    if session.expires_at <= now:
        rows.delete_session(store, digest)
        return None
    user = rows.get_user(store, session.username)
    if user is None or user.disabled:
        return None
    return SignedIn(user, session)


def end_session(store: EventStore, token: str | None) -> None:
    if token:
        rows.delete_session(store, _digest(token))


def can_see(user: User, household: str) -> bool:
    """A preparer sees every household; a client only their own."""
    return user.role == "preparer" or (user.role == "client" and user.household == household)


def visible_households(store: EventStore, user: User) -> list[str]:
    if user.role == "preparer":
        return store.households()
    return [user.household] if user.household else []
