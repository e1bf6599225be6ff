"""Use cases on the ledger database as a whole: its schema revision and its hash chains."""

from __future__ import annotations

import json
from dataclasses import field
from typing import Any

from .. import events as ev
from ..dataclass import dataclass
from ..errors import LedgerError
from ..store.api import ChainProblem, EventStore


def upgrade_schema(db: str | None) -> str | None:
    """Migrate the ledger database named by ``db`` to the latest schema; the revision it
    is now at."""
    from ..store.open import upgrade

    return upgrade(db)


def schema_revision(db: str | None) -> str | None:
    """The ledger database's schema revision (None: never migrated); changes nothing."""
    from ..store.open import current

    return current(db)


def backup_ledger(db: str | None, output: str, force: bool = False) -> int:
    """Back up the SQLite ledger named by ``db`` to the new private file ``output`` (a
    complete ledger: open it with ``--db``); the number of events it holds."""
    from ..store.open import backup
    from .output import finish_private, private_path

    tmp = private_path(output, force)
    try:
        count = backup(db, tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finish_private(tmp, output, force)
    return count


@dataclass(frozen=True, slots=True)
class Verification:
    problems: list[ChainProblem]
    households: int
    schema: list[str] = field(default_factory=list)
    #: the fingerprint of the key whose MACs were checked (None: no MAC was checked)
    macs_checked: str | None = None
    #: what the user must know although nothing failed (a keyed ledger, no key given)
    notes: list[str] = field(default_factory=list)
    #: the ledger is keyed but no key was given: its MACs were not checked
    macs_unchecked: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and not self.schema


def verify_ledger(store: EventStore, against: str | None = None) -> Verification:
    """Re-check every household's hash chain, version sequence and stored values, and
    that the table's constraints and append-only triggers are the migrations' own; with
    ``against``, also the heads saved in that file (:func:`against_heads`); with the
    store's HMAC key, every MAC and the key record (``ledger.store.keyed``). A keyed
    ledger verified without its key says so: its MACs were not checked."""
    saved = read_heads(against) if against is not None else None
    schema = store.schema_problems()
    problems = store.verify()
    if saved is not None:
        schema += against_heads(store, saved)
    keyed, given = store.key_state()
    notes = store.schema_notes()
    if given is not None:
        schema += store.mac_problems()
    elif keyed is not None:
        which = "" if keyed == "?" else f" (key {keyed})"
        notes.append(
            f"the ledger is keyed{which} but no key was given: its MACs were NOT checked, "
            "only the SHA-256 chains (set ROTH_LEDGER_HMAC_KEY_FILE to the key file)"
        )
    households = 0 if problems else len(store.households())
    unchecked = given is None and keyed is not None
    return Verification(problems, households, schema, given, notes, unchecked)


def ledger_heads(store: EventStore) -> dict[str, Any]:
    """Every household's head (newest version and its hash, the values the reports
    carry), as the JSON ``roth-ledger heads`` prints and ``verify --against`` reads; in
    household id order on every store (a store's ``heads`` keeps no order: PostgreSQL's
    grouped query comes back in its join's order)."""
    return {
        "heads": [
            {"household": h, "version": v, "hash": digest}
            for h, (v, digest) in sorted(store.heads().items())
        ]
    }


#: the largest heads file read (a firm's 100,000 households take about 12 MB)
MAX_HEADS_BYTES = 32 * 1024 * 1024


def read_heads(path: str) -> dict[str, tuple[int, str]]:
    """Heads saved earlier by ``roth-ledger heads --format json``; a file that is not
    such a list is bad input (exit 2), one line."""
    try:
        with open(path, "rb") as stream:
            chunks: list[bytes] = []  # read in pieces: no 64 MB up front, /dev/zero ends
            size = 0
            while size <= MAX_HEADS_BYTES and (chunk := stream.read(1024 * 1024)):
                if b"\x00" in chunk:
                    raise ValueError("binary data")
                chunks.append(chunk)
                size += len(chunk)
            if size > MAX_HEADS_BYTES:
                raise ValueError("larger than 32 MB")
            raw = b"".join(chunks)
            data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise LedgerError(f"--against: {path}: no such file") from None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise LedgerError(f"--against: {path}: not a heads file ({type(exc).__name__})") from None
    heads = data.get("heads") if isinstance(data, dict) else None
    if not isinstance(heads, list):
        raise LedgerError(
            f"--against: {path}: not a heads file (write it with roth-ledger heads --format json)"
        )
    out: dict[str, tuple[int, str]] = {}
    for i, item in enumerate(heads):
        ok = (
            isinstance(item, dict)
            and isinstance(item.get("household"), str)
            and ev.ID_PATTERN.fullmatch(item["household"]) is not None
            and type(item.get("version")) is int
            and item["version"] > 0
            and isinstance(item.get("hash"), str)
        )
        if not ok:
            raise LedgerError(
                f"--against: {path}: entry {i + 1} is not {{household, version, hash}}"
            )
        out[item["household"]] = (item["version"], item["hash"])
    return out


def against_heads(store: EventStore, saved: dict[str, tuple[int, str]]) -> list[str]:
    """What no broken link shows: each saved head must still be in the ledger, the same
    event at the same version (later events may follow it). A deleted newest event, a
    deleted household, an emptied table or a chain rehashed after an edit all fail."""
    problems = []
    current = store.heads()
    for household, (version, digest) in sorted(saved.items()):
        if household not in current:
            problems.append(
                f"household {household!r}: saved at version {version}, now not in the "
                "ledger: its events were removed"
            )
            continue
        now = current[household][0]
        if type(now) is not int:  # SQLite keeps any type written into its INTEGER column
            problems.append(
                f"household {household!r}: its newest event's version is {now!r} "
                f"({type(now).__name__}), not a whole number: the row was changed after it "
                "was recorded"
            )
        elif now < version:
            problems.append(
                f"household {household!r}: saved at version {version}, now at version "
                f"{now}: its newest events were removed"
            )
        elif store.hash_at(household, version) != digest:
            problems.append(
                f"household {household!r}: the event at version {version} has a different "
                "hash than saved: the chain was rewritten (rehashed after an edit)"
            )
    return problems
