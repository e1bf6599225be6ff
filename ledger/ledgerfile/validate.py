"""Turn a raw ledger tree into events, collecting EVERY problem (beancount-style).

``validate_ledger(raw, known)`` either returns a complete :class:`LedgerFile` or raises
:class:`~ledger.errors.InvalidInput` listing all problems as ``FILE:LINE: field: message``;
nothing partial. ``known`` carries what the household already holds in the store (people,
event ids, plan owners), so the same checks serve a fresh file, a re-import and the
``record`` command. Pure: no database, no clock unless ``known.today`` is left unset.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import field
from datetime import date

from .. import dates
from .. import events as ev
from ..dataclass import dataclass
from ..errors import InvalidInput, Problem, shown
from ..money import parse_money
from ..voids import voided_ids
from .checks import cross_checks
from .read import Node, RawLedger

TOKEN = ev.ID_PATTERN  # matched whole (fullmatch): "e1\n" is not an id
TOKEN_HELP = ev.ID_HELP
TOP_KEYS = ("version", "household", "people", "events")
PERSON_KEYS = ("id", "name", "born")
EARLIEST_BIRTH = date(1900, 1, 1)
_BORN = next(s for s in ev.FIELDS["person_added"] if s.name == "born")


@dataclass(frozen=True, slots=True)
class Known:
    """What the store already holds for the household (empty for a new one)."""

    people: Mapping[str, date] = field(default_factory=dict)  # person -> latest birth date in force
    events: Mapping[str, ev.Event] = field(default_factory=dict)  # every stored event by id
    plan_owners: Mapping[str, str] = field(default_factory=dict)  # plan -> person
    today: date | None = None
    # where an id of ``events`` that is not stored but given earlier in the same import
    # is ("FILE:LINE"), else None: for messages only (called when a check fails)
    earlier: Callable[[str], str | None] | None = None

    @classmethod
    def from_events(cls, events: Iterable[ev.Event], today: date | None = None) -> Known:
        people: dict[str, date] = {}
        by_id: dict[str, ev.Event] = {}
        owners: dict[str, str] = {}
        events = list(events)
        voided = voided_ids(events)
        for event in events:
            by_id[event.id] = event
            if isinstance(event, ev.PersonAdded) and event.id not in voided:
                people[event.person] = event.born
            plan, person = getattr(event, "plan", None), getattr(event, "person", None)
            if plan is not None and person is not None:
                owners.setdefault(plan, person)
        return cls(people, by_id, owners, today)


@dataclass(frozen=True, slots=True)
class LedgerFile:
    """A validated ledger file: the household, its people and its events, in file order."""

    file: str
    household: str
    household_name: str | None
    people: tuple[ev.PersonAdded, ...]
    events: tuple[ev.Event, ...]
    lines: tuple[int | None, ...] = ()  # the line of each event in ``events``

    @property
    def household_event(self) -> ev.HouseholdNamed | None:
        if self.household_name is None:
            return None
        return ev.HouseholdNamed(
            id=household_event_id(self.household_name), name=self.household_name
        )

    def all_events(self) -> tuple[ev.Event, ...]:
        """What an import appends: household_named, person_added, then the events."""
        named = self.household_event  # made once (a property: a digest each time)
        head = (named,) if named is not None else ()
        return head + self.people + self.events


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def household_event_id(name: str) -> str:
    return f"household:{_digest(name)}"


def person_event(person: str, name: str | None, born: date) -> ev.PersonAdded:
    """A PersonAdded whose id is a hash of its content: same content, same id.

    The draft (id "") gives the payload hashed; the event is then made with its id
    and the draft's fields -- what :func:`reference_person_event`'s
    ``dataclasses.replace`` makes, without its Python walk over the class's fields
    (a hypothesis test in ``tests/test_ledgerfile.py`` compares the two)."""
    draft = ev.PersonAdded(id="", person=person, name=name, born=born)
    return ev.PersonAdded(
        id=f"person:{person}:{_digest(ev.payload_json(draft))}",
        person=draft.person,
        name=draft.name,
        born=draft.born,
    )


def reference_person_event(person: str, name: str | None, born: date) -> ev.PersonAdded:
    """:func:`person_event` as it was written (the reference)."""
    draft = ev.PersonAdded(id="", person=person, name=name, born=born)
    return dataclasses.replace(draft, id=f"person:{person}:{_digest(ev.payload_json(draft))}")


class _Collector:
    def __init__(self, file: str, problems: Iterable[Problem] = ()):
        self.file = file
        self.problems: list[Problem] = list(problems)

    def add(self, line: int | None, field_name: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, field_name, message))


def validate_ledger(raw: RawLedger, known: Known | None = None) -> LedgerFile:
    known = known or Known()
    _fresh_memo()
    out = _Collector(raw.file, raw.problems)
    root: dict[str, Node] = raw.root.value
    for key, node in root.items():
        if key not in TOP_KEYS:
            out.add(node.line, key, f"unknown section (expected {', '.join(TOP_KEYS)})")
    _check_version(root.get("version"), raw.root.line, out)
    household, household_name = _household(root.get("household"), raw.root.line, out)
    listed: dict[str, date | None] = {}
    people = _people(root.get("people"), known, out, listed)
    built = _events(root.get("events"), out, known)
    # a person listed with a problem still counts as listed (no cascade of errors)
    head = [household_event_id(household_name)] if household_name is not None else []
    cross_checks(built, {**known.people, **listed}, known, out, head + [p.id for p in people])
    if out.problems:
        raise InvalidInput(sorted(out.problems, key=lambda p: p.line or 0))
    return LedgerFile(
        raw.file,
        household or "",
        household_name,
        tuple(people),
        tuple(e for e, _ in built),
        tuple(n.line for _, n in built),
    )


def _check_version(node: Node | None, line: int | None, out: _Collector) -> None:
    if node is None:
        out.add(line, "version", "missing (write version: 1)")
    elif isinstance(node.value, (dict, list)) or str(node.value).strip() != "1":
        out.add(node.line, "version", f"{shown(node.value)} is not supported (only version 1)")


def _token(node: Node, field_name: str, out: _Collector) -> str | None:
    value = node.value
    if isinstance(value, (dict, list, bool)) or value is None or not TOKEN.fullmatch(str(value)):
        out.add(node.line, field_name, f"{shown(value)} is not a valid id ({TOKEN_HELP})")
        return None
    return str(value)


def _text(node: Node, field_name: str, out: _Collector) -> str | None:
    try:
        return ev.parse_value(ev.FieldSpec(field_name, "text", False, None, ""), node.value)
    except ValueError as exc:
        out.add(node.line, field_name, str(exc))
        return None


def _household(
    node: Node | None, line: int | None, out: _Collector
) -> tuple[str | None, str | None]:
    if node is None:
        out.add(line, "household", "missing (write household: {id: ..., name: ...})")
        return None, None
    if not isinstance(node.value, dict):  # `household: rivera` is accepted as the id
        return _token(node, "household", out), None
    fields: dict[str, Node] = node.value
    for key, sub in fields.items():
        if key not in ("id", "name"):
            out.add(sub.line, f"household.{key}", "unknown field (household has id and name)")
    if "id" not in fields:
        out.add(node.line, "household.id", "missing")
        hid = None
    else:
        hid = _token(fields["id"], "household.id", out)
    name_node = fields.get("name")
    name = (
        _text(name_node, "household.name", out)
        if name_node is not None and name_node.value is not None
        else None
    )
    return hid, name


def _people(
    node: Node | None, known: Known, out: _Collector, listed: dict[str, date | None]
) -> list[ev.PersonAdded]:
    if node is None or node.value is None:
        return []
    if not isinstance(node.value, list):
        out.add(node.line, "people", "must be a list of {id, name, born}")
        return []
    seen: dict[str, int | None] = {}
    result = []
    today = known.today or date.today()
    for item in node.value:
        if not isinstance(item.value, dict):
            out.add(item.line, "people", "each person must be a mapping {id, name, born}")
            continue
        fields: dict[str, Node] = dict(item.value)
        if "id" not in fields and "person" in fields:  # CSV person rows may say `person`
            fields["id"] = fields.pop("person")
        ok = True
        for key, sub in fields.items():
            if key not in PERSON_KEYS:
                out.add(sub.line, key, "unknown field for a person (id, name, born)")
                ok = False
        pid = _token(fields["id"], "id", out) if "id" in fields else None
        if "id" not in fields:
            out.add(item.line, "id", "missing (the person's id)")
        if pid is not None and pid in seen:
            out.add(fields["id"].line, "id", f"person {pid!r} already listed on line {seen[pid]}")
            ok = False
        if pid is not None:
            seen[pid] = fields["id"].line
        name = None
        if "name" in fields and fields["name"].value is not None:
            name = _text(fields["name"], "name", out)
            ok = ok and name is not None
        born = _born(fields.get("born"), item.line, today, out)
        if pid is not None:
            listed.setdefault(pid, born)
        if ok and pid is not None and born is not None:
            result.append(person_event(pid, name, born))
    return result


def _born(node: Node | None, line: int | None, today: date, out: _Collector) -> date | None:
    if node is None or node.value is None:
        out.add(line, "born", "missing (birth date, YYYY-MM-DD)")
        return None
    try:
        born = ev.parse_value(_BORN, node.value)
    except ValueError as exc:
        out.add(node.line, "born", str(exc))
        return None
    if not EARLIEST_BIRTH <= born <= today:
        out.add(node.line, "born", f"{born} is not a plausible birth date")
        return None
    return born


def _events(node: Node | None, out: _Collector, known: Known) -> list[tuple[ev.Event, Node]]:
    if node is None or node.value is None:
        return []
    if not isinstance(node.value, list):
        out.add(node.line, "events", "must be a list of events")
        return []
    built = []
    for item in node.value:
        event = build_event(item, out)
        if event is not None:
            built.append((event, item))
    return generate_ids(built, known)


def generate_ids(built: list[tuple[ev.Event, Node]], known: Known) -> list[tuple[ev.Event, Node]]:
    """Give each event written without an id (``id == ""``) its generated id
    (:func:`ledger.events.generated_id`), in file order. An id is taken when the file
    gives it to an event, an earlier event of the file got it, or the household holds it
    with other content; the household holding it with the same content is the same
    event imported again. ``occurrence`` counts identical events earlier in the file."""
    if all(e.id for e, _ in built):  # every id given (a firm's files): nothing to make
        return list(built)
    given = {e.id for e, _ in built if e.id}
    assigned: set[str] = set()
    occurrences: Counter[tuple[str, str]] = Counter()
    out = []
    for event, item in built:
        if not event.id:
            payload = ev.to_payload(event)
            key = (event.kind, ev.canonical_json(payload))
            occurrence = occurrences[key]
            occurrences[key] += 1

            def same(candidate: str, event=event, payload=payload) -> bool:
                stored = known.events.get(candidate)
                return (
                    stored is not None
                    and stored.kind == event.kind
                    and ev.to_payload(stored) == payload
                )

            def taken(candidate: str, same=same) -> bool:
                if candidate in given or candidate in assigned:
                    return True
                return candidate in known.events and not same(candidate)

            def legacy(candidate: str, same=same) -> bool:
                return candidate not in assigned and same(candidate)

            new_id = ev.generated_id(event.kind, payload, occurrence, taken, legacy, key[1])
            assigned.add(new_id)
            event = dataclasses.replace(event, id=new_id)
        out.append((event, item))
    return out


#: each kind's field names plus the fields every event may have
_ALLOWED = {
    kind: frozenset(s.name for s in specs) | frozenset(ev.COMMON_FIELDS)
    for kind, specs in ev.FIELDS.items()
}


def build_event(item: Node, out: _Collector, stored: bool = False) -> ev.Event | None:
    """One event of the file, or None (its problems are in ``out``); an event written
    without an id has ``id == ""`` until :func:`generate_ids` gives it one.

    ``stored``: an event as the store holds it (a with-history file,
    :mod:`.history`): the internal kinds are allowed and the id, required, is any text
    (a stored person record's id has colons)."""
    if not isinstance(item.value, dict):
        out.add(item.line, None, "each event must be a mapping with a kind")
        return None
    fields: dict[str, Node] = item.value
    kind_node = fields.get("kind")
    if kind_node is None or kind_node.value is None:
        out.add(item.line, "kind", "missing (e.g. kind: roth_contribution)")
        return None
    kind = kind_node.value if isinstance(kind_node.value, str) else None
    if kind is None:
        out.add(kind_node.line, "kind", f"{shown(kind_node.value)} is not an event kind")
        return None
    if kind in ev.INTERNAL_KINDS and not stored:
        out.add(kind_node.line, "kind", f"{kind} is internal: use the household/people sections")
        return None
    if kind not in ev.KINDS:
        out.add(
            kind_node.line,
            "kind",
            f"unknown kind {shown(kind)} (known: {', '.join(ev.FILE_KINDS)})",
        )
        return None
    allowed = _ALLOWED[kind]
    before = len(out.problems)
    values: dict[str, object] = {}
    for name, sub in fields.items():
        if name not in allowed:
            names = ", ".join(s.name for s in ev.FIELDS[kind])
            out.add(sub.line, name, f"unknown field for {kind} (fields: {names}, id, memo, source)")
    for name in ("memo", "source"):
        if name in fields and fields[name].value is not None:
            values[name] = _text(fields[name], name, out)
    memo = _MEMO
    for name, required, read in (
        _STORED_PERSON if stored and kind == "person_added" else _READERS[kind]
    ):
        field_node = fields.get(name)
        raw = None if field_node is None else field_node.value
        if raw is None or raw == "":
            if required:
                where = field_node.line if field_node is not None else item.line
                out.add(where, name, f"missing (required for {kind})")
            continue
        try:
            if type(raw) is str:  # the same text read by the same field's reader: memo
                memo_key = (read, raw)
                value = memo.get(memo_key, _MISSING)
                if value is _MISSING:
                    value = memo[memo_key] = read(raw)
                values[name] = value
            else:
                values[name] = read(raw)
        except ValueError as exc:
            out.add(field_node.line if field_node is not None else item.line, name, str(exc))
    event_id = None
    if "id" in fields and fields["id"].value is not None:
        event_id = (_text if stored else _token)(fields["id"], "id", out)
    elif stored:
        out.add(item.line, "id", "missing (every stored event has its id)")
    if len(out.problems) > before:
        return None
    return ev.construct(kind, event_id or "", values)


#: each field reader's value for a text already read (a firm's files repeat people, tax
#: years, dates and amounts): readers are pure functions of the text and of the day
#: (:func:`ledger.dates.today`, for the latest date taken), so the memo is emptied when
#: the day changes, and when it is full
_MEMO: dict[tuple[Callable[[object], object], str], object] = {}
_MEMO_SIZE = 100_000
_MEMO_DAY: list[date] = []
_MISSING = object()


def _fresh_memo() -> None:
    """Empty the readers' memo if the day has changed since it was filled (or it is full)."""
    day = dates.today()
    if _MEMO_DAY != [day] or len(_MEMO) > _MEMO_SIZE:
        _MEMO.clear()
        _MEMO_DAY[:] = [day]


def field_reader(spec: ev.FieldSpec) -> Callable[[object], object]:
    """The function that reads one field's raw value: ``events.parse_value`` plus the
    file's stricter rules (plain amounts only, no ``1e5``; amounts above zero; exception
    numbers as two digits). Made once per field of each kind (:data:`_READERS`): a file
    has many events of few kinds."""

    def single(raw: object) -> None:
        if isinstance(raw, (dict, list)):
            raise ValueError(
                f"must be a single {spec.type} value, not a "
                f"{'list' if isinstance(raw, list) else 'mapping'}"
            )

    if spec.type == "money":
        positive = spec.name == "amount"

        def read_money(raw: object) -> object:
            if type(raw) is not str:
                single(raw)
            value = parse_money(raw)
            if positive and value <= 0:
                raise ValueError(f"{raw} must be more than zero")
            return value

        return read_money
    if spec.type == "date":

        def read_date(raw: object) -> object:
            if type(raw) is not str:
                single(raw)
                if isinstance(raw, bool):
                    raise ValueError(f"{raw!r} is not a date (YYYY-MM-DD)")
            return ev.checked_date(raw)

        return read_date

    def read_other(raw: object) -> object:
        single(raw)
        value = ev.parse_value(spec, raw)
        if spec.name == "exception":
            from ..yearly import normalize_code

            value = normalize_code(value)
        return value

    return read_other


#: per kind: (field name, required, reader) for each of its fields, in table order
_READERS: dict[str, tuple[tuple[str, bool, Callable[[object], object]], ...]] = {
    kind: tuple((spec.name, spec.required, field_reader(spec)) for spec in specs)
    for kind, specs in ev.FIELDS.items()
}


def _stored_birth(raw: object) -> object:
    """A stored person record's birth date: as the people section reads it (from 1900)."""
    born = ev.parse_value(_BORN, raw)
    if born < EARLIEST_BIRTH:
        raise ValueError(f"{born} is not a plausible birth date")
    return born


#: a stored ``person_added`` (a with-history entry): its birth date as a person's
_STORED_PERSON = tuple(
    (name, required, _stored_birth if name == "born" else read)
    for name, required, read in _READERS["person_added"]
)
