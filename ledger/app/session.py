"""Opening the ledger a command works on, and what an error a use case raises means.

Every front end (the command line, a web page) opens its store here and hands it to the
use cases of :mod:`ledger.app`; none of them imports :mod:`ledger.store` itself. The
store is typed as its protocol, :class:`~ledger.store.api.EventStore`.
"""

from __future__ import annotations

from ..errors import LedgerError
from ..rules.policy import IRR_RECAPTURES, RATIO_PRECISIONS, Policy
from ..store.api import ConcurrencyConflict, EventStore, StoreError, Tampered

__all__ = [
    "EXIT_CONFLICT",
    "EXIT_STORE",
    "EXIT_VERIFY",
    "IRR_RECAPTURES",
    "RATIO_PRECISIONS",
    "EventStore",
    "Policy",
    "Tampered",
    "discard_created",
    "error_exit_code",
    "open_ledger",
    "policy",
    "read_count",
    "read_database",
    "read_user",
    "read_year",
    "require_shared",
]

EXIT_CONFLICT = 4  # a concurrent writer got there first: run the command again
EXIT_STORE = 5  # the database could not be used (bad URL, unreachable server, unreadable file)
EXIT_VERIFY = 6  # `verify` found a broken hash chain


def open_ledger(db: str | None, write: bool = True, missing_ok: bool = False) -> EventStore:
    """The ledger named by ``db`` (a file path, ``sqlite:///path`` or a PostgreSQL URL;
    None: ``$ROTH_LEDGER_DB``, else the per-user default file).

    ``write``: created and migrated to head as needed. Otherwise (every command that only
    reads) read-only: nothing is created or migrated, a read-only file works, a missing
    ledger is ``NotFound`` ("no ledger at ..."); with ``missing_ok`` (a dry run) a
    missing ledger reads as an empty one. The store's ``notes`` are warnings for the user
    (a ledger file other users can read)."""
    from ..errors import NotFound
    from ..store import open_store  # loads SQLAlchemy: only when a command needs the ledger

    try:
        return open_store(db, read_only=not write)
    except NotFound:
        if not missing_ok:
            raise
        from ..store.memory import MemoryStore

        return MemoryStore()


def discard_created(store: EventStore) -> bool:
    """After a refused command: remove the ledger file opening ``store`` created, if
    nothing is stored in it (:func:`ledger.store.open.discard_created`; ``store`` is
    closed). A file that existed before, or any PostgreSQL database, is left as it is."""
    from ..store.open import discard_created as discard

    return discard(store)


def require_shared(store: EventStore) -> None:
    """Refuse (exit 2) a ledger only this process sees for the web desk and its users:
    an in-memory ``sqlite://`` database or the memory store
    (:func:`ledger.store.users.require_shared`)."""
    from ..store.users import require_shared as check  # loads SQLAlchemy: the web only

    check(store)


def read_year(raw: object, report: bool) -> int:
    """A year given as an option, checked as a file's field is. ``report=True``: a
    report's tax year, one the data files cover; else a ledger field's year (a form's
    year, an events filter). Raises ValueError with the reason."""
    from ..dates import year_problem
    from ..errors import shown
    from ..yearly import report_year_problem

    text = str(raw).strip()
    if not (0 < len(text) <= 40 and text.isdigit() and text.isascii()):
        raise ValueError(f"{shown(raw)} is not a year")
    year = int(text)
    problem = report_year_problem(year) if report else year_problem(year)
    if problem is not None:
        raise ValueError(problem)
    return year


def read_count(raw: object) -> int:
    """A count given as an option (``--jobs``, ``--workers``, ``--port``): ASCII digits
    only (Python's ``int`` would read "２" or "1_0"). Raises ValueError with the reason."""
    from ..errors import shown

    text = str(raw).strip()
    if not (0 < len(text) <= 6 and text.isdigit() and text.isascii()):
        raise ValueError(f"{shown(raw)} is not a whole number")
    return int(text)


#: the longest name ``--user`` (ROTH_LEDGER_USER) records as ``recorded_by``
MAX_USER = 64


def read_user(raw: object) -> str:
    """Who is recording (``--user``): 1-64 printable characters, as a login name is."""
    from ..errors import shown

    text = str(raw).strip()
    if not text:
        raise ValueError("is empty")
    if len(text) > MAX_USER:
        raise ValueError(f"{shown(text)} is longer than {MAX_USER} characters")
    if not text.isprintable():
        raise ValueError(f"{shown(text)} has a control character")
    return text


def read_database(raw: object) -> str:
    """``--db`` as given: a path or URL, never empty or with a NUL (what it names is
    checked when it is opened: ``ledger.store.urls``)."""
    text = str(raw)
    if not text.strip():
        raise ValueError("is empty (name a ledger file or a database URL)")
    if "\x00" in text:
        raise ValueError("contains a NUL character")
    return text


def policy(
    ratio_precision: str = "exact", irr_recapture: str = "carry", whole_dollars: bool = False
) -> Policy:
    """The policy settings of RULES.md section 0 (choices: :data:`RATIO_PRECISIONS`,
    :data:`IRR_RECAPTURES`); ``whole_dollars``: the forms filled in whole dollars."""
    return Policy(ratio_precision, irr_recapture, whole_dollars)


def error_exit_code(exc: BaseException) -> int | None:
    """The exit code for an error the user can act on (its message is one line for them),
    or None for anything else (a bug: let it show its traceback)."""
    if isinstance(exc, ConcurrencyConflict):
        return EXIT_CONFLICT
    if isinstance(exc, LedgerError):
        return exc.exit_code
    if isinstance(exc, StoreError):
        return EXIT_STORE
    return None
