"""The per-household hash chain, shared by every backend (memory, SQLite, PostgreSQL).

:func:`chained` walks a household's new events once -- version, canonical payload, hash --
and each store builds its own rows from it, in its own format (:func:`build_rows` is the
memory store's).

Each event's ``hash`` is the SHA-256 (hex) of ``prev_hash + "\\n" + canonical JSON`` of
the row's meaningful columns::

    {household, version, event_id, kind, schema_version, payload, effective_date,
     tax_year, recorded_at, recorded_by}

where ``payload`` is the stored canonical-JSON text itself (so any byte changed in it
breaks the chain), ``effective_date`` is ISO ``YYYY-MM-DD`` or null and ``recorded_at`` is
UTC ``YYYY-MM-DDTHH:MM:SS.ffffffZ``. The first event's ``prev_hash`` is ``GENESIS``.
``verify`` recomputes the chain and names the first broken event of each household.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from operator import attrgetter
from typing import Any

from ..events import (
    DECODERS,
    HASHED_FIELDS,
    SCHEMA_VERSION,
    Event,
    canonical_json,
    to_payload,
)
from .api import ChainProblem, CheckedEvents, DuplicateEventId, EventStore, StoredEvent

GENESIS = "0" * 64


def utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime (naive values are taken to be UTC already)."""
    if moment.tzinfo is UTC:
        return moment
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso_utc(moment: datetime) -> str:
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_hash(prev_hash: str, row: dict[str, Any], recorded_at_iso: str | None = None) -> str:
    """The hash of one row (a dict with the columns named in the module docstring).

    The document is written straight into its canonical form (keys sorted, no spaces,
    strings escaped by the json module's own encoder): the same text as
    ``canonical_json(hash_document(row))``, about three times faster (a test checks).
    """
    eff: date | None = row["effective_date"]
    return field_hash(
        prev_hash,
        None if eff is None else eff.isoformat(),
        row["event_id"],
        row["household"],
        row["kind"],
        row["payload"],
        recorded_at_iso or iso_utc(row["recorded_at"]),
        row["recorded_by"],
        row["schema_version"],
        row["tax_year"],
        row["version"],
    )


def field_hash(
    prev_hash: str,
    effective_date: str | None,
    event_id: str,
    household: str,
    kind: str,
    payload: str,
    recorded_at: str,
    recorded_by: str,
    schema_version: int,
    tax_year: int | None,
    version: int,
) -> str:
    text = _TEMPLATE % (
        "null" if effective_date is None else f'"{effective_date}"',
        _str(event_id),
        _str(household),
        _str(kind),
        _str(payload),
        _str(recorded_at),
        _str(recorded_by),
        int(schema_version),
        "null" if tax_year is None else int(tax_year),
        int(version),
    )
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


class _ReadParts:
    """The hashed document's parts that repeat across stored rows, each built once per
    distinct stored value and kept between households (bounded): ``head(effective_date)``
    up to ``"event_id":`` and ``tail((recorded_at, recorded_by, schema_version,
    tax_year))`` from ``,"recorded_at":`` to ``"version":``. ``date_iso`` and ``time_iso``
    may raise (an unreadable stored value); the part then raises too."""

    def __init__(self, date_iso: Callable[[Any], str], time_iso: Callable[[Any], str]):
        self.date_iso, self.time_iso = date_iso, time_iso
        self.heads: dict[Any, str] = {}
        self.tails: dict[tuple, str] = {}

    def head(self, value: Any) -> str:
        if len(self.heads) > _READ_CACHE:
            self.heads.clear()
        eff = "null" if value is None else f'"{self.date_iso(value)}"'
        part = self.heads[value] = '{"effective_date":' + eff + ',"event_id":'
        return part

    def tail(self, key: tuple) -> str:
        at, by, schema, year = key
        if len(self.tails) > _READ_CACHE:
            self.tails.clear()
        part = self.tails[key] = (
            f',"recorded_at":{_str(self.time_iso(at))},"recorded_by":{_str(by)},'
            f'"schema_version":{int(schema)},'
            f'"tax_year":{"null" if year is None else int(year)},"version":'
        )
        return part


def read_hasher(
    date_iso: Callable[[Any], str], time_iso: Callable[[Any], str]
) -> Callable[[str], Callable[[str, Sequence[Any]], str]]:
    """The read side's :func:`field_hash`, on rows as a store's cursor returns them.

    ``read_hasher(date_iso, time_iso)(household)(prev_hash, row)``, for a stored row of
    that household with every column but ``position`` in the table's order
    (``household, event_id, version, kind, schema_version, payload, effective_date,
    tax_year, recorded_at, recorded_by, prev_hash, hash``), is ``field_hash(prev_hash, date_iso(effective_date) or None, event_id,
    household, kind, payload, time_iso(recorded_at), recorded_by, schema_version,
    tax_year, version)`` (a property test compares). The document's parts that repeat
    across rows are built once per distinct stored value (:class:`_ReadParts`), and the
    household-and-kind part once per household and kind: per row only the event id and
    the payload are escaped. A row at a time: :func:`chain_reader` is the reads' loop."""
    parts = _ReadParts(date_iso, time_iso)
    heads, tails = parts.heads, parts.tails
    sha256 = hashlib.sha256

    def for_household(household: str) -> Callable[[str, Sequence[Any]], str]:
        house = ',"household":' + _str(household) + ',"kind":'
        kinds: dict[Any, str] = {}

        def digest(prev_hash: str, row: Sequence[Any]) -> str:
            _, event_id, version, kind, schema, payload, eff, year, at, by, _, _ = row
            head = heads.get(eff) or parts.head(eff)
            middle = kinds.get(kind)
            if middle is None:
                middle = kinds[kind] = house + _str(kind) + ',"payload":'
            tail = tails.get((at, by, schema, year)) or parts.tail((at, by, schema, year))
            return sha256(
                f"{prev_hash}\n{head}{_str(event_id)}{middle}{_str(payload)}{tail}{int(version)}}}".encode()
            ).hexdigest()

        return digest

    return for_household


def chain_reader(
    date_iso: Callable[[Any], str], time_iso: Callable[[Any], str]
) -> Callable[[str, Iterable[Sequence[Any]]], list[Event] | None]:
    """The reads' one pass over a household's stored rows (as :func:`read_hasher` takes
    them, in version order): ``chain_reader(date_iso, time_iso)(household, rows)`` is the
    household's events when every row passes -- its household, its version (1, 2, ...),
    its ``prev_hash`` (the previous row's hash; :data:`GENESIS` first), its version,
    schema version and tax year of type int (or a None tax year), its hash (the
    digest :func:`read_hasher` gives) and its payload (a JSON object, nothing after it,
    decoded by its kind's decoder, :data:`ledger.events.DECODERS`) -- and None as soon as
    one does not (or raises anything at all: an unreadable stored value): the caller then
    names the problem through ``verify``'s own check (:func:`check_chains`), the
    reference this agrees with (a property test compares them, on good and changed rows,
    of households recorded in one append or in several, by several recorders).

    One loop, no call per row but the C ones: the hashed document written in one
    f-string, the payload read by the json module's own scanner (what ``json.loads``
    runs, without its Python frames). The document's parts that repeat are built once:
    the head by effective date (a cache kept between households, bounded), the part
    from ``recorded_at`` to ``schema_version`` again only when the row's
    ``recorded_at``, ``recorded_by`` or schema version is not the previous row's (one
    import writes a household's rows with one stamp), the tax year's text only when it
    is not the previous row's."""
    heads: dict[Any, str] = {}  # effective date -> '{"effective_date":...,"event_id":'
    times: dict[Any, str] = {}  # recorded_at -> its ISO text, escaped
    sha256, escape, scan, decoders = hashlib.sha256, _str, _SCAN, DECODERS

    def head_of(eff: Any) -> str:
        if len(heads) > _READ_CACHE:
            heads.clear()
        part = heads[eff] = (
            '{"effective_date":'
            + ("null" if eff is None else f'"{date_iso(eff)}"')
            + ',"event_id":'
        )
        return part

    def stamp_of(at: Any, by: Any, schema: Any) -> str:
        if type(schema) is not int:  # 1.0 == 1: verify's check refuses it
            raise TypeError("schema_version")
        when = times.get(at)
        if when is None:
            if len(times) > _READ_CACHE:
                times.clear()
            when = times[at] = escape(time_iso(at))
        return f',"recorded_at":{when},"recorded_by":{escape(by)},"schema_version":{schema}'

    def events_of(household: str, rows: Iterable[Sequence[Any]]) -> list[Event] | None:
        house = ',"household":' + escape(household) + ',"kind":'
        kinds: dict[Any, tuple[str, Callable[[str, dict], Event]]] = {}
        events: list[Event] = []
        append = events.append
        prev, version = GENESIS, 0
        at_was = by_was = schema_was = year_was = _NONE
        stamp = year_part = ""
        try:
            for (
                owner,
                event_id,
                stored_version,
                kind,
                schema,
                payload,
                eff,
                year,
                at,
                by,
                back,
                digest,
            ) in rows:
                version += 1
                if (
                    type(stored_version) is not int  # 1.0 == 1: verify's check refuses it
                    or stored_version != version
                    or back != prev
                    or owner != household
                    # int(2024.5), int(b"2024"), int("2_024") would give a hashed number
                    or (type(year) is not int and year is not None)
                ):
                    return None
                # the same objects (sqlite3 and psycopg share small ints): schema 1.0 is
                # not schema 1's object, and goes through stamp_of's check
                if at != at_was or by != by_was or schema is not schema_was:
                    stamp = stamp_of(at, by, schema)
                    at_was, by_was, schema_was = at, by, schema
                if year != year_was:
                    year_part = f',"tax_year":{"null" if year is None else year},"version":'
                    year_was = year
                known = kinds.get(kind)
                if known is None:  # an unknown kind: KeyError
                    known = kinds[kind] = (house + escape(kind) + ',"payload":', decoders[kind])
                middle, decode = known
                # the stored version equals ``version``, an int: int(stored_version) is it
                text = (
                    f"{prev}\n{heads.get(eff) or head_of(eff)}{escape(event_id)}{middle}"
                    f"{escape(payload)}{stamp}{year_part}{version}}}"
                )
                if sha256(text.encode()).hexdigest() != digest:
                    return None
                value, end = scan(payload, 0)
                if end != len(payload) or type(value) is not dict:
                    return None
                append(decode(event_id, value))
                prev = digest
        except Exception:  # noqa: BLE001 -- whatever it was, the reference check names it
            return None
        return events

    return events_of


_NONE = object()  # no row read yet (equal to no stored value)


#: distinct stored values :func:`read_hasher` keeps the document parts of (a ledger of
#: 20 years holds ~7,300 effective dates: 4,096 missed on about a third of the rows)
_READ_CACHE = 1 << 16


_str = json.encoder.encode_basestring  # the escaping json.dumps(ensure_ascii=False) uses
#: the json module's scanner (C): ``(value, end)`` of the JSON value at an index, what
#: ``JSONDecoder.raw_decode`` returns (StopIteration where no value starts)
_SCAN = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
_TEMPLATE = (
    '{"effective_date":%s,"event_id":%s,"household":%s,"kind":%s,"payload":%s,'
    '"recorded_at":%s,"recorded_by":%s,"schema_version":%d,"tax_year":%s,"version":%d}'
)


def hash_document(row: dict[str, Any]) -> dict[str, Any]:
    """The hashed document as a plain dict (the reference form of :func:`chain_hash`)."""
    eff: date | None = row["effective_date"]
    return {
        "household": row["household"],
        "version": row["version"],
        "event_id": row["event_id"],
        "kind": row["kind"],
        "schema_version": row["schema_version"],
        "payload": row["payload"],
        "effective_date": eff.isoformat() if eff is not None else None,
        "tax_year": row["tax_year"],
        "recorded_at": iso_utc(row["recorded_at"]),
        "recorded_by": row["recorded_by"],
    }


def check_batch_ids(household: str, events: Sequence[Event]) -> None:
    """Refuse a batch that repeats an id within itself (before touching any store).

    The ids are counted into a set at once (C loops): as many as the events, none is
    repeated; else (or for ids a set cannot hold) :func:`reference_check_batch_ids`
    names the first one given again, as it always did (a test compares)."""
    try:
        count = len(events)
        if len(set(map(_EVENT_ID, events))) == count:
            return
    except (TypeError, AttributeError):  # no len(), no id, an unhashable id: the reference
        pass
    reference_check_batch_ids(household, events)


_EVENT_ID = attrgetter("id")


def reference_check_batch_ids(household: str, events: Sequence[Event]) -> None:
    """:func:`check_batch_ids`, one id at a time (the reference)."""
    seen: set[str] = set()
    for event in events:
        if event.id in seen:
            raise DuplicateEventId(household, event.id)
        seen.add(event.id)


def checked_batches(
    batches: Sequence[tuple[str, int, Sequence[Event]]],
) -> list[tuple[str, int, Sequence[Event]]]:
    """The non-empty batches of an ``append_many``, after refusing one that names a
    household twice (its versions would clash) or repeats an id within a batch."""
    seen: set[str] = set()
    for household, _, events in batches:
        if household in seen:
            raise ValueError(f"household {household!r} appears twice in one append_many")
        seen.add(household)
        check_batch_ids(household, events)
    return [b for b in batches if b[2]]


def chained(
    household: str,
    expected_version: int,
    prev_hash: str,
    events: Sequence[Event],
    recorded_by: str,
    at_iso: str,
) -> Iterator[tuple]:
    """Per event, chained after ``prev_hash`` with versions ``expected_version + 1 ...``:
    (version, event, payload, effective_date as ISO text or None, tax_year, prev_hash,
    hash) -- the writers' row builder.

    The hashed document of :func:`field_hash` is written straight from the event: the
    parts every row of the call shares (household, ``recorded_at``, ``recorded_by``,
    schema version) escaped once; per row, one call for the payload, its hashed (escaped)
    text, effective date and tax year (:data:`ledger.events.HASHED_FIELDS`: what
    :func:`ledger.events.row_fields` gives, the payload escaped as it is written), one
    f-string and one SHA-256.
    :func:`build_rows` is the reference (the document of :func:`chain_hash`, a row dict
    at a time, from the event's own properties); a property test compares them."""
    middle, tail = _shared_parts(household, recorded_by, at_iso)
    sha256, fields, escape = hashlib.sha256, HASHED_FIELDS, _str
    version = expected_version
    for event in events:
        version += 1
        # events.row_fields, and the kind and payload as hashed: escape(kind) +
        # ',"payload":' + escape(payload), written by the kind's encoder
        payload, hashed, eff_iso, tax_year = fields[type(event)](event)
        if eff_iso is None:
            head = f'{prev_hash}\n{{"effective_date":null,"event_id":'
        else:
            head = f'{prev_hash}\n{{"effective_date":"{eff_iso}","event_id":'
        year = "null" if tax_year is None else int(tax_year)
        text = f'{head}{escape(event.id)}{middle}{hashed}{tail}{year},"version":{version}}}'

        digest = sha256(text.encode()).hexdigest()
        yield version, event, payload, eff_iso, tax_year, prev_hash, digest
        prev_hash = digest


def _shared_parts(household: str, recorded_by: str, at_iso: str) -> tuple[str, str]:
    """The hashed document's text every row of a batch shares: from the event id's end to
    the kind's start, and from the payload's end to the tax year's value."""
    middle = ',"household":' + _str(household) + ',"kind":'
    tail = (
        ',"recorded_at":'
        + _str(at_iso)
        + ',"recorded_by":'
        + _str(recorded_by)
        + f',"schema_version":{int(SCHEMA_VERSION)},"tax_year":'
    )
    return middle, tail


#: an empty SHA-256 object: :func:`sqlite_rows` hashes each row with a copy of it
_SHA256 = hashlib.sha256()

#: the texts of the tax years and versions :func:`sqlite_rows` wrote (formatting an int
#: is ~a tenth of a row's own work); emptied beyond NUMBER_TEXTS
_NUMBER_TEXTS: dict[int, str] = {}
NUMBER_TEXTS = 65536


def _number(value: int) -> str:
    """The hashed text of a tax year or version (``int(value)`` formatted, as
    :func:`chained` writes it), kept when ``value`` is an int: a value equal to an int
    (a bool, an integral float or Decimal) is that int's text either way."""
    text = str(int(value))
    if type(value) is int:
        _NUMBER_TEXTS[value] = text
    return text


def sqlite_rows(
    household: str,
    expected_version: int,
    prev_hash: str,
    events: Sequence[Event],
    recorded_by: str,
    at_iso: str,
    at_stored: str,
) -> list[tuple]:
    """:func:`chained`'s rows as SQLite stores them, built in the same loop: (household,
    event id, version, kind, schema version, payload, effective date as ISO text or None,
    tax year, ``at_stored``, ``recorded_by``, prev_hash, hash) -- one tuple per event, no
    intermediate tuple or generator step per row (about a fifth of the row builder's own
    work). The hashed text is :func:`chained`'s, part for part; a hypothesis test holds
    the rows to those built from :func:`chained` (``SqliteEncoder(shortcut=False)``);
    the tax years' and versions' texts are kept (:func:`_number`). Per row the hashed
    text is one f-string (no head string made first), hashed by a copy of an empty
    SHA-256 object (:data:`_SHA256`: cheaper than making one, ``hashlib.sha256(text)``,
    through OpenSSL's lookup and set-up each time)."""
    middle, tail = _shared_parts(household, recorded_by, at_iso)
    fields, escape, schema = HASHED_FIELDS, _str, SCHEMA_VERSION
    fresh = _SHA256.copy
    years = _NUMBER_TEXTS
    if len(years) > NUMBER_TEXTS:
        years.clear()
    rows: list[tuple] = []
    append = rows.append
    version = expected_version
    for event in events:
        version += 1
        payload, hashed, day, tax_year = fields[type(event)](event)
        event_id = event.id
        year = "null" if tax_year is None else (years.get(tax_year) or _number(tax_year))
        number = years.get(version) or _number(version)
        sha = fresh()
        if day is None:
            sha.update(
                f'{prev_hash}\n{{"effective_date":null,"event_id":{escape(event_id)}{middle}'
                f'{hashed}{tail}{year},"version":{number}}}'.encode()
            )
        else:
            sha.update(
                f'{prev_hash}\n{{"effective_date":"{day}","event_id":{escape(event_id)}{middle}'
                f'{hashed}{tail}{year},"version":{number}}}'.encode()
            )
        digest = sha.hexdigest()
        append(
            (
                household,
                event_id,
                version,
                event.kind,
                schema,
                payload,
                day,
                tax_year,
                at_stored,
                recorded_by,
                prev_hash,
                digest,
            )
        )
        prev_hash = digest
    return rows


def build_rows(
    household: str,
    expected_version: int,
    prev_hash: str,
    events: Sequence[Event],
    recorded_by: str,
    recorded_at: datetime,
) -> list[dict[str, Any]]:
    """Plain dicts (every column but ``position``) for ``events``, chained after
    ``prev_hash`` with versions ``expected_version + 1 ...``: the memory store's rows, and
    the reference form the SQL stores' rows (:func:`chained`) are tested against -- each
    row's fields taken from the event's own properties and hashed by :func:`chain_hash`."""
    at = utc(recorded_at)
    rows = []
    for version, event in enumerate(events, start=expected_version + 1):
        row = {
            "household": household,
            "version": version,
            "event_id": event.id,
            "kind": event.kind,
            "schema_version": SCHEMA_VERSION,
            "payload": canonical_json(to_payload(event)),
            "effective_date": event.effective_date,
            "tax_year": event.effective_tax_year,
            "recorded_at": at,
            "recorded_by": recorded_by,
            "prev_hash": prev_hash,
        }
        row["hash"] = prev_hash = chain_hash(prev_hash, row)
        rows.append(row)
    return rows


def check_chains(rows: Iterable[dict[str, Any]]) -> Iterator[ChainProblem]:
    """Check rows ordered by (household, version); yield the first problem per household.

    Each row is a dict with every column but ``position``; a row whose stored values
    could not be read carries the reason as ``unreadable`` (a problem, like a bad hash).
    """
    household: str | None = None
    expected_version = 0
    prev = GENESIS
    broken = False
    for row in rows:
        if row["household"] != household:
            household, expected_version, prev, broken = row["household"], 0, GENESIS, False
        if broken:
            continue
        expected_version += 1
        reason = None
        if row.get("unreadable"):
            reason = f"{row['unreadable']}: the row was changed after it was recorded"
        elif row["version"] != expected_version:
            reason = (
                f"version {expected_version} is missing (next stored version is "
                f"{row['version']}): a row was removed"
            )
        elif row["prev_hash"] != prev:
            reason = (
                "prev_hash does not match the previous event's hash: a row was removed or changed"
            )
        elif chain_hash(prev, row) != row["hash"]:
            reason = "hash mismatch: the row was changed after it was recorded"
        if reason is not None:
            broken = True
            yield ChainProblem(row["household"], row["version"], row["event_id"], reason)
            continue
        prev = row["hash"]


def stored_event(position: int, row: dict[str, Any], event: Event) -> StoredEvent:
    """A :class:`StoredEvent` from a row dict (see ``hashing.build_rows``) and its event."""
    return StoredEvent(
        position=position,
        household=row["household"],
        version=row["version"],
        event=event,
        recorded_at=utc(row["recorded_at"]),
        recorded_by=row["recorded_by"],
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


def load_checked(store: EventStore, household: str, known_on: date | None = None) -> CheckedEvents:
    """The reference form of :meth:`~ledger.store.api.EventStore.load_checked`: the
    household's chain checked by :meth:`verify`, then :meth:`load_events` and
    :meth:`heads` (three reads; the stores' own versions read once and decode once, and
    a test checks they agree with this on good and on tampered ledgers)."""
    problems = store.verify(household)
    if problems:
        return CheckedEvents([], None, problems[0])
    events = store.load_events(household, known_on)
    return CheckedEvents(events, store.heads([household], known_on).get(household))
