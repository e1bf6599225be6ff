"""Export a household as a ledger file (SPEC section 4), so export -> import round-trips.

``export_household`` returns the SPEC shape as plain data: ``version``, ``household``
(``id``, ``name`` when one was recorded), ``people`` and ``events``: every stored event
that is not household metadata, INCLUDING voids, in stored order. A file holds one
household record and one record per person: the latest in force (the one reports use),
or when every record of a person is voided the latest one, with the voids that cancel
it; voids of the other (superseded) records are left out, so the imported ledger reports
the same figures (:mod:`ledger.voids` decides what is in force). Each event is written
with its ``id``, ``kind``, fields in the order of ``events.FIELDS``, money as strings with two decimals, dates ISO, ``memo``/``source``
when present. ``write_export`` writes it as YAML, JSON or CSV (the CSV convention of
:mod:`ledger.ledgerfile`).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any, TextIO

import yaml

from .. import csvcells
from .. import events as ev
from ..errors import LedgerError, NotFound, NotSupported
from ..money import fmt
from ..store.api import EventStore, Tampered
from ..store.hashing import iso_utc
from ..voids import in_force

FORMATS = ("yaml", "json", "csv")


def _value(value: object) -> object:
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def event_record(event: ev.Event) -> dict[str, Any]:
    """One event as a ledger-file mapping (id, kind, fields, memo, source)."""
    out: dict[str, Any] = {"id": event.id, "kind": event.kind}
    for spec in ev.FIELDS[event.kind]:
        value = getattr(event, spec.name)
        if value is not None:
            out[spec.name] = _value(value)
    for name in ("memo", "source"):
        if getattr(event, name) is not None:
            out[name] = getattr(event, name)
    return out


def export_household(
    store: EventStore, household: str, known_on: date | None = None
) -> dict[str, Any]:
    """The household as a ledger file (as recorded by ``known_on`` when given), after its
    hash chain is checked: a changed row is refused (exit 6), never exported into a file
    that another ledger would import as genuine."""
    checked = store.load_checked(household, known_on)
    if checked.problem is not None:
        raise Tampered(
            f"{checked.problem}; nothing is exported from a changed ledger (run roth-ledger verify)"
        )
    if not checked.events:
        when = f" as known on {known_on}" if known_on else ""
        raise NotFound(f"no household {household!r}{when}")
    all_events = list(checked.events)
    records = _records(all_events)
    kept = {e.id for e in records.values()}
    by_id = {e.id: e for e in all_events}
    name: str | None = None
    people: dict[str, dict[str, Any]] = {}
    events: list[dict[str, Any]] = []
    for e in all_events:
        if isinstance(e, ev.HouseholdNamed):
            if records.get(None) is e:
                name = e.name
        elif isinstance(e, ev.PersonAdded):
            if records.get(e.person) is e:
                person = {"id": e.person}
                if e.name is not None:
                    person["name"] = e.name
                person["born"] = e.born.isoformat()
                people[e.person] = person
        elif not isinstance(e, ev.Void) or _of_kept(e, by_id, kept):
            events.append(event_record(e))
    head: dict[str, Any] = {"id": household}
    if name is not None:
        head["name"] = name
    return {"version": 1, "household": head, "people": list(people.values()), "events": events}


def _records(events: list[ev.Event]) -> dict[str | None, ev.Event]:
    """The one household record (key None) and one record per person a file can hold:
    the latest in force (what the reports use), else the latest (voided, with its voids).
    """
    live = {e.id for e in in_force(events)}
    out: dict[str | None, ev.Event] = {}
    for e in events:
        if isinstance(e, ev.HouseholdNamed | ev.PersonAdded):
            key = e.person if isinstance(e, ev.PersonAdded) else None
            held = out.get(key)
            if held is None or e.id in live or held.id not in live:
                out[key] = e
    return out


def _of_kept(void: ev.Void, by_id: dict[str, ev.Event], kept: set[str]) -> bool:
    """False for a void (or a void of a void ...) of a record the file does not hold."""
    seen = {void.id}
    node = by_id.get(void.target)
    while isinstance(node, ev.Void) and node.id not in seen:
        seen.add(node.id)
        node = by_id.get(node.target)
    return not isinstance(node, ev.HouseholdNamed | ev.PersonAdded) or node.id in kept


def export_history(
    store: EventStore, household: str, known_on: date | None = None
) -> dict[str, Any]:
    """The household with its whole history (:mod:`ledger.ledgerfile.history`): every
    stored event in version order -- household and person records, voids, superseded
    records -- each with its ``version``, ``recorded_at``, ``recorded_by`` and ``hash``,
    so an import into another ledger stores the same rows (the same heads). The chain is
    checked first (a changed ledger is refused, exit 6), and the data is read back as the
    import will read it: a history that would not come back the same is refused."""
    from ..ledgerfile.history import history_tree, read_history
    from .restoring import check_chain

    problems = store.verify(household)
    if problems:
        raise Tampered(f"{problems[0]}; nothing was exported (run roth-ledger verify)")
    stored = store.load(household, known_on)
    if not stored:
        when = f" as known on {known_on}" if known_on else ""
        raise NotFound(f"no household {household!r}{when}")
    history = [
        {
            "version": s.version,
            **event_record(s.event),
            "recorded_at": iso_utc(s.recorded_at),
            "recorded_by": s.recorded_by,
            "hash": s.hash,
        }
        for s in stored
    ]
    data = {"version": 1, "household": {"id": household}, "history": history}
    try:
        check_chain(read_history(history_tree(data, f"household {household!r}")))
    except LedgerError as exc:
        raise NotSupported(
            f"household {household!r} cannot be exported with its history losslessly ({exc})"
        ) from None
    return data


def csv_columns(data: dict[str, Any]) -> list[str]:
    """kind, id, then every field any record uses (in FIELDS order), memo, source."""
    used = {"kind", "id", "name", "born"}
    for record in data["events"]:
        used.update(record)
    columns = ["kind", "id", "name", "born"]
    for kind in ev.FILE_KINDS:
        for spec in ev.FIELDS[kind]:
            if spec.name in used and spec.name not in columns:
                columns.append(spec.name)
    return columns + [c for c in ("memo", "source") if c in used]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_export(data: dict[str, Any], fmt: str, stream: TextIO) -> None:
    """Write ``data`` (from export_household) as yaml, json or csv."""
    if fmt == "yaml":
        yaml.safe_dump(data, stream, sort_keys=False, allow_unicode=True, width=100)
    elif fmt == "json":
        json.dump(data, stream, indent=2, ensure_ascii=False)
        stream.write("\n")
    elif fmt == "csv" and "history" in data:
        raise NotSupported("--with-history in CSV (use --format yaml or json)")
    elif fmt == "csv":
        columns = csv_columns(data)
        writer = csvcells.writer(stream)
        writer.writerow(columns)
        writer.writerow([_cell({"kind": "household", **data["household"]}.get(c)) for c in columns])
        for person in data["people"]:
            writer.writerow([_cell({"kind": "person", **person}.get(c)) for c in columns])
        for record in data["events"]:
            writer.writerow([_cell(record.get(c)) for c in columns])
    else:
        raise LedgerError(f"unknown export format {fmt!r} (use {', '.join(FORMATS)})")


def format_for(output: str | None) -> str:
    """The export format an output file's extension names (yaml when it names none)."""
    ext = output.rsplit(".", 1)[-1].lower() if output and "." in output else ""
    return {"yml": "yaml", "yaml": "yaml", "json": "json", "csv": "csv"}.get(ext, "yaml")


def export_to(
    store: EventStore,
    household: str,
    stdout: TextIO | None = None,
    fmt: str | None = None,
    output: str | None = None,
    known_on: date | None = None,
    force: bool = False,
    with_history: bool = False,
) -> int:
    """Export the household as ``fmt`` (default: from ``output``'s extension) to the file
    ``output`` (written by :mod:`ledger.app.output`: owner-only, replaced only with
    ``force``), or to ``stdout``; the number of events written. ``with_history``: every
    stored event with its row (:func:`export_history`; YAML or JSON)."""
    from .output import check_target, output_stream

    if output is not None:
        check_target(output, force)
    fmt = fmt or format_for(output)
    if with_history and fmt == "csv":
        raise NotSupported("--with-history in CSV (use --format yaml or json)")
    if with_history:
        data = export_history(store, household, known_on)
        count = len(data["history"])
    else:
        data = export_household(store, household, known_on)
        count = len(data["events"])
    with output_stream(output, stdout, force) as stream:
        write_export(data, fmt, stream)
    return count
