"""A with-history ledger file (``roth-ledger export --with-history``): one household's
every stored event, in version order, with what the store keeps beside each event.

    version: 1
    household: {id: rivera}
    history:
      - {version: 1, id: "household:1a2b3c4d", kind: household_named, name: Rivera,
         recorded_at: "2025-04-01T12:00:00.000000Z", recorded_by: dana, hash: 9f86...}
      - {version: 2, id: "person:dana:5e6f7a8b", kind: person_added, person: dana,
         born: 1980-07-02, recorded_at: ..., recorded_by: ..., hash: ...}
      - {version: 3, id: e1, kind: roth_contribution, ..., recorded_at: ..., hash: ...}

Every entry is an event as a ledger file writes it (its fields read by the same readers,
:func:`.validate.build_event` with ``stored=True``: the household and person records and
the voids are entries like any other), plus ``version``, ``recorded_at`` (UTC,
``YYYY-MM-DDTHH:MM:SS.ffffffZ``), ``recorded_by`` and ``hash`` (the row's SHA-256, see
:mod:`ledger.store.hashing`). This module reads the shape and reports problems as
``FILE:LINE: field: reason``; whether the hashes chain is checked by the import
(:mod:`ledger.app.restoring`), which needs the store's hashing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from .. import events as ev
from ..dataclass import dataclass
from ..errors import InvalidInput
from .read import Node, RawLedger
from .validate import _check_version, _Collector, _household, _text, build_event

#: the keys an entry has beside its event's fields
ROW_KEYS = ("version", "recorded_at", "recorded_by", "hash")
TOP_KEYS = ("version", "household", "history")
RECORDED_AT = "%Y-%m-%dT%H:%M:%S.%fZ"
_HASH = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One stored event of a with-history export, with its version, recording and hash."""

    event: ev.Event
    version: int
    recorded_at: datetime  # UTC
    recorded_at_iso: str  # as written (what the hash covers)
    recorded_by: str
    hash: str
    line: int | None


@dataclass(frozen=True, slots=True)
class HistoryFile:
    """A with-history export read: its file, its household and their entries."""

    file: str
    household: str
    entries: tuple[HistoryEntry, ...]


def is_history(raw: RawLedger) -> bool:
    """A with-history file (it has a ``history`` section)."""
    return isinstance(raw.root.value, dict) and "history" in raw.root.value


def read_history(raw: RawLedger) -> HistoryFile:
    """The file's entries, every problem of the shape listed (InvalidInput)."""
    out = _Collector(raw.file, raw.problems)
    root: dict[str, Node] = raw.root.value
    for key, node in root.items():
        if key not in TOP_KEYS:
            out.add(
                node.line,
                key,
                f"unknown section of a with-history file (expected {', '.join(TOP_KEYS)})",
            )
    _check_version(root.get("version"), raw.root.line, out)
    household, name = _household(root.get("household"), raw.root.line, out)
    if name is not None:
        out.add(
            root["household"].line,
            "household.name",
            "leave it out: the name is in the history (its household_named entries)",
        )
    section = root.get("history")
    entries: list[HistoryEntry] = []
    if section is None or not isinstance(section.value, list) or not section.value:
        line = section.line if section is not None else raw.root.line
        out.add(line, "history", "must be a list of entries")
    else:
        seen: dict[str, int | None] = {}
        for item in section.value:
            entry = _entry(item, out)
            if entry is None:
                continue
            if entry.event.id in seen:
                out.add(
                    item.line,
                    "id",
                    f"id {entry.event.id!r} is already used on line {seen[entry.event.id]}",
                )
            seen.setdefault(entry.event.id, item.line)
            entries.append(entry)
    if out.problems:
        raise InvalidInput(sorted(out.problems, key=lambda p: p.line or 0))
    _check_references(raw.file, entries)
    return HistoryFile(raw.file, household or "", tuple(entries))


def _entry(item: Node, out: _Collector) -> HistoryEntry | None:
    if not isinstance(item.value, dict):
        out.add(item.line, "history", "each entry must be a mapping (an event and its row)")
        return None
    fields: dict[str, Node] = item.value
    before = len(out.problems)
    meta: dict[str, Any] = {}
    for key in ROW_KEYS:
        sub = fields.get(key)
        if sub is None or sub.value is None or sub.value == "":
            out.add(
                item.line,
                key,
                "missing (a with-history entry has version, recorded_at, recorded_by and hash)",
            )
            continue
        meta[key] = _row_value(key, sub, out)
    event = build_event(
        Node({k: v for k, v in fields.items() if k not in ROW_KEYS}, item.line), out, stored=True
    )
    if event is None or len(out.problems) > before:
        return None
    return HistoryEntry(
        event,
        meta["version"],
        meta["recorded_at"][0],
        meta["recorded_at"][1],
        meta["recorded_by"],
        meta["hash"],
        item.line,
    )


def _row_value(key: str, node: Node, out: _Collector) -> Any:
    value = node.value
    if key == "version":
        text = (
            str(value).strip()
            if isinstance(value, (str, int)) and not isinstance(value, bool)
            else ""
        )
        if not (text.isdigit() and text.isascii() and 0 < int(text) < 2**31):
            out.add(node.line, key, f"{value!r} is not a version (1, 2, ...)")
            return None
        return int(text)
    if key == "recorded_at":
        text = value if isinstance(value, str) else ""
        try:
            moment = datetime.strptime(text, RECORDED_AT).replace(tzinfo=UTC)
        except ValueError:
            moment = None
        if moment is None or moment.strftime(RECORDED_AT) != text:  # six decimals
            out.add(
                node.line,
                key,
                f"{str(value)[:40]!r} is not a UTC time (YYYY-MM-DDTHH:MM:SS.ffffffZ)",
            )
            return None
        return moment, text
    if key == "hash":
        if not isinstance(value, str) or not _HASH.match(value):
            out.add(node.line, key, "is not a SHA-256 hash (64 lowercase hex digits)")
            return None
        return value
    return _text(node, key, out)


def _check_references(file: str, entries: list[HistoryEntry]) -> None:
    """Each void names an event of the file, each person's event a person the file adds
    (the rows a store holds always do)."""
    from ..errors import Problem

    ids = {e.event.id for e in entries}
    people = {e.event.person for e in entries if isinstance(e.event, ev.PersonAdded)}
    problems = []
    for e in entries:
        if isinstance(e.event, ev.Void) and e.event.target not in ids:
            problems.append(
                Problem(file, e.line, "target", f"no event {e.event.target!r} in the history")
            )
        person = getattr(e.event, "person", None)
        if person is not None and not isinstance(e.event, ev.PersonAdded) and person not in people:
            problems.append(Problem(file, e.line, "person", f"no person {person!r} in the history"))
    if problems:
        raise InvalidInput(problems)


def history_tree(data: dict[str, Any], file: str) -> RawLedger:
    """The raw tree of a with-history export's data (no lines), as a file would be read:
    what the export checks its own output against before writing it."""

    def node(value: Any) -> Node:
        if isinstance(value, dict):
            return Node({k: node(v) for k, v in value.items()}, None)
        if isinstance(value, list):
            return Node([node(v) for v in value], None)
        return Node(value, None)

    return RawLedger(file, node(data))
