"""The keyed chain: an HMAC-SHA256 key kept outside the database (issue 14, item 4).

The SHA-256 chain of :mod:`ledger.store.hashing` shows a row changed in place, but anyone
who can write the table can rewrite a household's chain and rehash it, or insert an event
whose hash is right: SHA-256 needs no secret. With a key file named by
``ROTH_LEDGER_HMAC_KEY_FILE`` every new row also carries ``mac`` = HMAC-SHA256(key, the
row's hash) (the hash covers the row's content and the previous hash, so the MAC covers
the chain up to that row); without the key nobody can compute one.

The first write with a key *keys the ledger*: under the writer lock it stores one row in
``ledger_keys`` (append-only, like ``events``): the key's fingerprint (an HMAC of a fixed
text, never the key), ``since_position`` (every event from that global position on must
carry a valid MAC) and ``sealed`` (every household's head at that moment, as canonical
JSON: the events recorded before the key are fixed by it), with the MAC of all three.
From then on a write without the key, or with another key, is refused, and ``verify``
with the key (:func:`check_macs`) reports, without any saved heads:

* an event at or after ``since_position`` without a MAC or with a wrong one (forged,
  inserted without the key, or rehashed after an edit);
* an event before ``since_position`` that the sealed heads do not account for (a
  forged event slipped in at an old position), or a sealed head changed or gone (the
  history before the key rewritten, a household removed);
* a key record that does not verify (forged, changed), a second one, or none at all on a
  ledger that holds events (never keyed with this key, or the record removed).

The key does not show the newest keyed events of a household removed (nothing after them
is left to break): saved heads (``verify --against``) do.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
from collections.abc import Iterable, Mapping
from typing import Any

from ..dataclass import dataclass
from ..errors import LedgerError

KEY_ENV = "ROTH_LEDGER_HMAC_KEY_FILE"
#: a key shorter than this is refused (32 bytes: SHA-256's own strength)
MIN_KEY_BYTES = 32
MAX_KEY_BYTES = 4096
_FINGERPRINT_TEXT = b"roth-ledger key fingerprint"


@dataclass(frozen=True)
class LedgerKey:
    """An HMAC key (its bytes are never printed: ``repr`` shows the fingerprint only)."""

    secret: bytes
    path: str

    def __repr__(self) -> str:
        return f"LedgerKey({self.fingerprint})"

    @property
    def fingerprint(self) -> str:
        return hmac.new(self.secret, _FINGERPRINT_TEXT, hashlib.sha256).hexdigest()[:16]

    def mac(self, text: str) -> str:
        return hmac.new(self.secret, text.encode(), hashlib.sha256).hexdigest()


def load_key(path: str | None = None) -> tuple[LedgerKey | None, list[str]]:
    """The key named by ``path`` (None: ``$ROTH_LEDGER_HMAC_KEY_FILE``; unset: no key),
    and warnings (a key file others can read). The key is the file's bytes, exactly.
    A missing, unreadable, short or oversized key file is bad input (exit 2)."""
    path = path if path is not None else os.environ.get(KEY_ENV) or None
    if path is None:
        return None, []
    try:
        with open(path, "rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise LedgerError(f"{KEY_ENV}: {path} is not a regular file")
            secret = stream.read(MAX_KEY_BYTES + 1)
    except FileNotFoundError:
        raise LedgerError(f"{KEY_ENV}: {path}: no such file") from None
    except OSError as exc:
        raise LedgerError(f"{KEY_ENV}: {path}: {exc.strerror or exc}") from None
    if not MIN_KEY_BYTES <= len(secret) <= MAX_KEY_BYTES:
        raise LedgerError(
            f"{KEY_ENV}: {path}: a key is {MIN_KEY_BYTES} to {MAX_KEY_BYTES} bytes "
            "(make one with: head -c 32 /dev/urandom > FILE; chmod 600 FILE)"
        )
    notes = []
    if info.st_mode & 0o077:
        notes.append(
            f"the key file {path} can be read by other users (mode "
            f"{info.st_mode & 0o777:o}): anyone who reads it can forge the ledger's MACs; "
            f"make it private with: chmod 600 {path}"
        )
    return LedgerKey(secret, path), notes


# --- the key record -------------------------------------------------------------------


@dataclass(frozen=True)
class KeyRecord:
    """A row of ``ledger_keys``."""

    fingerprint: str
    since_position: int
    sealed: str  # canonical JSON {household: [version, hash]}
    mac: str


def record_text(fingerprint: str, since_position: int, sealed: str) -> str:
    return f"ledger_keys\n{fingerprint}\n{since_position}\n{sealed}"


def new_record(
    key: LedgerKey, since_position: int, heads: Mapping[str, tuple[int, str]]
) -> KeyRecord:
    """The record that keys a ledger from ``since_position`` on, sealing ``heads``."""
    sealed = json.dumps(
        {household: [version, digest] for household, (version, digest) in heads.items()},
        sort_keys=True,
        separators=(",", ":"),
    )
    text = record_text(key.fingerprint, since_position, sealed)
    return KeyRecord(key.fingerprint, since_position, sealed, key.mac(text))


def writing_problem(key: LedgerKey | None, records: list[KeyRecord]) -> str | None:
    """Why a write must be refused on a ledger with these key records (None: it may go
    on). A keyed ledger is written with its own key only."""
    if not records:
        return None
    fingerprint = records[0].fingerprint
    if key is None:
        return (
            f"the ledger is keyed (key {fingerprint}): set {KEY_ENV} to its key file to "
            "record events; nothing was stored"
        )
    if key.fingerprint != fingerprint:
        return (
            f"the ledger is keyed with another key (key {fingerprint}; {KEY_ENV} names key "
            f"{key.fingerprint}); nothing was stored"
        )
    return None


# --- verify ---------------------------------------------------------------------------


def check_macs(
    key: LedgerKey,
    records: list[KeyRecord],
    rows: Iterable[tuple[str, int, str, int, str, str | None]],
) -> list[str]:
    """What the key shows (module docstring). ``rows``: (household, version, event_id,
    position, hash, mac) ordered by household, version. The first problem of each
    household is reported."""
    problems: list[str] = []
    record = _checked_record(key, records, problems)
    if record is None:
        if problems:
            return problems
        if any(True for _ in rows):
            return [
                f"the ledger holds events but no key record: it was never written with key "
                f"{key.fingerprint} (its next write keys it), or the record was removed"
            ]
        return []
    try:
        sealed = {h: (int(v), str(d)) for h, (v, d) in json.loads(record.sealed).items()}
    except (ValueError, TypeError, AttributeError):
        return ["the key record's sealed heads cannot be read: the record was changed"]
    since = record.since_position
    seen: set[str] = set()
    household: str | None = None
    broken = False
    pre_key_head: tuple[int, str] | None = None

    def close(name: str | None) -> None:
        if name is None or broken or name not in sealed:
            return
        version, digest = sealed[name]
        if pre_key_head is None or pre_key_head[0] < version:
            problems.append(
                f"household {name!r}: sealed at version {version} when the ledger was "
                "keyed, now its events up to then are gone: removed or rewritten"
            )
        elif pre_key_head != (version, digest):
            problems.append(
                f"household {name!r}: the event at version {version} has another hash "
                "than sealed when the ledger was keyed: the history was rewritten"
            )

    for name, version, event_id, position, digest, mac in rows:
        if name != household:
            close(household)
            household, broken, pre_key_head = name, False, None
            seen.add(name)
        if broken:
            continue
        where = f"household {name!r}: event {event_id!r} (version {version})"
        if position < since:
            limit = sealed.get(name, (0, ""))[0]
            if version > limit:
                problems.append(
                    f"{where}: stored before the key (position {position}) but not among "
                    "the events sealed when the ledger was keyed: inserted without the key"
                )
                broken = True
            else:
                pre_key_head = (version, digest)
            continue
        if mac is None:
            reason = "no MAC: written without the ledger's key (forged or inserted)"
        elif not hmac.compare_digest(mac, key.mac(digest)):
            reason = "the MAC does not match: forged, or rehashed after an edit"
        else:
            continue
        problems.append(f"{where}: {reason}")
        broken = True
    close(household)
    for name in sorted(set(sealed) - seen):
        problems.append(
            f"household {name!r}: sealed at version {sealed[name][0]} when the ledger was "
            "keyed, now not in the ledger: its events were removed"
        )
    return problems


def _checked_record(key: LedgerKey, records: list[KeyRecord], problems: list[str]):
    if not records:
        return None
    first = records[0]
    if len(records) > 1:
        problems.append(
            f"{len(records)} key records (one is written when a ledger is keyed): one was inserted"
        )
    if first.fingerprint != key.fingerprint:
        problems.append(
            f"the ledger is keyed with another key (key {first.fingerprint}; {KEY_ENV} "
            f"names key {key.fingerprint}): its MACs cannot be checked with this one"
        )
        return None
    text = record_text(first.fingerprint, first.since_position, first.sealed)
    if not hmac.compare_digest(first.mac or "", key.mac(text)):
        problems.append("the key record's MAC does not match: the record was forged or changed")
        return None
    return first


def records_from(rows: Iterable[Any]) -> list[KeyRecord]:
    """Key records from ``(fingerprint, since_position, sealed, mac)`` rows."""
    return [KeyRecord(str(f), int(s), str(sealed), str(m)) for f, s, sealed, m in rows]
