"""Ledger files (SPEC section 4): read, validate, and the CSV convention.

    from ledger.ledgerfile import parse_ledger_file
    lf = parse_ledger_file("rivera.yaml")        # raises InvalidInput listing every problem
    lf.household, lf.household_name, lf.people, lf.events

A bad file is refused whole: every problem is a ``Problem(file, line, field, message)``
printed as ``FILE:LINE: field: message``. Events without an ``id`` get
``events.generated_id(kind, payload, occurrence, ...)`` (``rc-2022-03-01-7f3a``;
``occurrence`` counts identical events earlier in the same file; ids stored under the
older ``events.content_id`` are kept), so importing the same file twice adds nothing. The household
name becomes a ``household_named`` event (id ``household:<sha256(name)[:8]>``) and each
person a ``person_added`` event (id ``person:<person>:<sha256(payload)[:8]>``): the same
content has the same id and is skipped on re-import; a changed birth date is a new event
and the later record wins.

CSV convention (one record per row; the first row names the columns):

* a ``kind`` column is required; the other columns are field names (``id``, ``person``,
  ``tax_year``, ``date``, ``amount``, ..., ``memo``, ``source``), in any order;
* an empty cell means "not given"; amounts and dates are written as in YAML
  (``6000.00``, ``2020-04-01``), booleans as ``true``/``false``;
* one row with kind ``household`` gives the household: columns ``id`` and ``name``;
* rows with kind ``person`` give the people: columns ``id`` (or ``person``), ``name``,
  ``born``;
* every other row is one event, in file order; ``version`` is implicitly 1.
  Line numbers in problems are the CSV line of the row.

``roth-ledger export --format csv`` writes exactly this, so CSV round-trips too.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from .read import RawLedger, read_ledger_file
from .validate import (
    Known,
    LedgerFile,
    household_event_id,
    person_event,
    validate_ledger,
)

__all__ = [
    "Known",
    "LedgerFile",
    "RawLedger",
    "household_event_id",
    "first_event_date",
    "household_of",
    "parse_ledger_file",
    "person_event",
    "read_ledger_file",
    "validate_ledger",
]


def parse_ledger_file(path: str | Path, known: Known | None = None) -> LedgerFile:
    """Read and validate a ledger file (YAML, JSON or CSV by extension)."""
    return validate_ledger(read_ledger_file(path), known)


def household_of(raw: RawLedger) -> str | None:
    """The household id a raw file names, if it is a usable id (else None: validation
    will report why)."""
    from .validate import TOKEN

    node = raw.root.value.get("household")
    if node is None:
        return None
    value = node.value
    if isinstance(value, dict):
        id_node = value.get("id")
        value = id_node.value if id_node is not None else None
    if isinstance(value, str) and TOKEN.fullmatch(value):
        return value
    return None


def first_event_date(raw: RawLedger) -> date | None:
    """The earliest ``date`` among a raw file's events (birth dates and other sections
    are not events), or None when no event has a readable one: for putting one
    household's yearly files in date order before they are validated."""
    events = raw.root.value.get("events")
    if events is None or not isinstance(events.value, list):
        return None
    found: list[date] = []
    for node in events.value:
        if not isinstance(node.value, dict):
            continue
        when = node.value.get("date")
        value = when.value if when is not None else None
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            found.append(value)
        elif isinstance(value, str):
            try:
                found.append(date.fromisoformat(value.strip()))
            except ValueError:
                continue
    return min(found, default=None)
