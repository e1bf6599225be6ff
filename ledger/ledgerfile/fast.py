"""The import's fast path: a JSON ledger file validated straight from :mod:`json`'s values.

The reference path (:func:`.read.read_ledger_file`, then :func:`.validate.validate_ledger`)
wraps every value in a :class:`~.read.Node` (its line) and reads each field through a
general loop; for a firm's JSON files that is most of an import's CPU before the rows are
built. Here a file is parsed once into plain values -- each JSON object a dict, when
counting the text's ``:`` shows no key is given twice in any (:func:`_counted`), else
each the tuple of its ``(key, value)`` pairs (``object_pairs_hook=tuple``: a key given
twice is seen; :func:`_read_pairs`) -- then each event is read by a function generated
once per kind from the field table (:func:`_builder`): its fields through the
reference's own readers (:data:`.validate._READERS`, memoised per reader) straight into
the event's slots.

Only the plain, valid case is handled here. Anything else -- not a ``.json`` file, a
syntax error, a key given twice, a section or field unknown, a value of another type than
the one a valid file has, any reader refusing a value, any problem of the checks across
events -- makes :func:`parse_plain` return None, and the file goes through the reference
path, which reports the problems with their lines exactly as before. So what an import
accepts and stores is what the reference accepts and stores, and no message changes;
``tests/test_fast_validate.py`` checks the two give the same events (and the import the
same warnings) on the examples, generated firm ledgers and generated near-valid and
hostile files.

The checks across events are the reference's own (:func:`.checks.cross_checks`), run on
the events built here unless :func:`.checks.plainly_without_problems` -- the same checks
written out for a firm's common kinds, True only where the reference finds nothing --
says there is nothing to find; the generated ids are the reference's own
(:func:`.validate.generate_ids`), made when an event has none.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import Any

from .. import dates
from .. import events as ev
from ..dataclass import dataclass
from ..money import CENT, PLAIN_AMOUNT
from .checks import cross_checks, plainly_without_problems
from .read import (
    _LONE_SURROGATE,
    MAX_FILE_BYTES,
    Node,
    _no_constant,
    _read_text,
)
from .validate import (
    _ALLOWED,
    _BORN,
    _READERS,
    EARLIEST_BIRTH,
    PERSON_KEYS,
    TOKEN,
    TOP_KEYS,
    Known,
    LedgerFile,
    _Collector,
    generate_ids,
    household_event_id,
    person_event,
)


class _Refer(Exception):
    """The file is not the plain valid case: the reference path reads it."""


@dataclass(frozen=True, slots=True)
class PlainLedger:
    """A JSON ledger file parsed into plain values: its sections (each JSON object below
    the top a dict in which no key was given twice, or still the tuple of its pairs) and
    the household id it names."""

    file: str
    sections: dict[str, Any]
    household: str


def read_plain(path: str | Path) -> PlainLedger | None:
    """``path`` parsed, if it is a ``.json`` ledger file (no with-history export, no
    worked example) that parses cleanly, with no key given twice at the top and a valid
    household id; else None (the reference reader says what is wrong, if anything)."""
    name = str(path)
    # a Path as given (the import's files are): Path(str(p)) is p again, made anew
    file = path if type(path) is _PATH else Path(name)
    if file.suffix.lower() != ".json":
        return None
    try:
        text = _read_text(file, MAX_FILE_BYTES)
        # "\\" first: a one-character search is a memchr, the two-character one about
        # four instructions a character (most files hold no backslash at all)
        if "\\" in text and "\\u" in text and _LONE_SURROGATE.search(text) is not None:
            return None
    except Exception:  # _Fatal: the reference says
        return None
    try:
        data = plain_json(text)
    except Exception:  # a syntax error, NaN, too deep: read as pairs, as the reference
        data = None
    sections = _counted(data, text) if data is not None else None
    if sections is None:  # a key may be given twice (or a syntax error): read as pairs
        return _read_pairs(name, text)
    household = sections.get("household")
    if type(household) is dict:
        if not _HOUSEHOLD_KEYS.issuperset(household):
            return None
        household = household.get("id")
    if type(household) is not str or TOKEN.fullmatch(household) is None:
        return None
    return PlainLedger(name, sections, household)


_PATH = type(Path())  # this system's concrete Path class


def plain_json(text: str) -> Any:
    """``json.loads(text, parse_float=str, parse_int=str, parse_constant=_no_constant)``
    (:func:`reference_plain_json`) by one decoder made once: ``json.loads`` with any
    option makes a new :class:`json.JSONDecoder` and scanner each call (Python code,
    for each file). The same values, the same exceptions -- the BOM ``json.loads``
    refuses included (a hypothesis test in ``tests/test_fast_validate.py`` compares)."""
    if text.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    return _PLAIN_DECODER.decode(text)


def reference_plain_json(text: str) -> Any:
    """:func:`plain_json` as ``json.loads`` (the reference)."""
    return json.loads(text, parse_float=str, parse_int=str, parse_constant=_no_constant)


_PLAIN_DECODER = json.JSONDecoder(parse_float=str, parse_int=str, parse_constant=_no_constant)


def _counted(data: object, text: str) -> dict[str, Any] | None:
    """``data`` (the file read with every JSON object a dict), if its objects are only
    the top one, the household, the people and the events, the top one's keys all known
    and no key given twice in any of them -- as the pairs reading would find (None: not
    sure; the file is read as pairs, :func:`_read_pairs`).

    Every key of a JSON text is followed by a ``:`` (and a ``:`` is nowhere else but in a
    string), so the text holds at least as many as the objects have keys: when the dicts
    named hold that many keys together, no key was given twice (a dict keeps one of a
    key given twice) and no other object has any key. An object with no key (``{}``)
    elsewhere, in a field, is refused as its empty pairs are."""
    if type(data) is not dict or not _TOP.issuperset(data):
        return None
    keys = len(data)
    household = data.get("household")
    if type(household) is dict:
        keys += len(household)
    for name in ("people", "events"):
        items = data.get(name)
        if type(items) is list and items:
            if len(set(map(type, items))) != 1 or type(items[0]) is not dict:
                return None
            keys += sum(map(len, items))
    return data if text.count(":") == keys else None


def _read_pairs(name: str, text: str) -> PlainLedger | None:
    """:func:`read_plain` of ``text`` with each JSON object read as the tuple of its
    ``(key, value)`` pairs (a key given twice is seen): the reading of any file
    :func:`_counted` is not sure of, and the reference of that one (a test compares)."""
    try:
        data = json.loads(
            text,
            parse_float=str,
            parse_int=str,
            parse_constant=_no_constant,
            object_pairs_hook=tuple,
        )
    except Exception:  # a syntax error, NaN, too deep: the reference says
        return None
    try:
        sections = _mapping(data, _TOP)
        household = sections.get("household")
        if type(household) is tuple:
            household = sections["household"] = _mapping(household, _HOUSEHOLD_KEYS)
            household = household.get("id")
    except _Refer:
        return None
    if type(household) is not str or TOKEN.fullmatch(household) is None:
        return None
    return PlainLedger(name, sections, household)


def _mapping(value: object, keys: frozenset[str]) -> dict[str, Any]:
    """A JSON object (the tuple of its pairs; or a dict :func:`_counted` found no key
    given twice in) as a dict, if no key is given twice and every key is one of ``keys``."""
    if type(value) is dict:
        if not keys.issuperset(value):
            raise _Refer
        return value
    if type(value) is not tuple:
        raise _Refer
    fields = dict(value)
    if len(fields) != len(value) or not keys.issuperset(fields):
        raise _Refer
    return fields


_TOP = frozenset(TOP_KEYS)


def first_plain_date(plain: PlainLedger) -> tuple[date | None] | None:
    """``(`` :func:`ledger.ledgerfile.first_event_date` ``of the same file,)``, or None
    when an event gives a key twice (the reference reader keeps the first value)."""
    events = plain.sections.get("events")
    if type(events) is not list:
        return (None,)
    found: list[date] = []
    for item in events:
        if type(item) is dict:  # read by _counted: no key given twice
            fields = item
        elif type(item) is not tuple:
            continue
        else:
            fields = dict(item)
            if len(fields) != len(item):
                return None
        value = fields.get("date")
        if type(value) is str:
            try:
                found.append(date.fromisoformat(value.strip()))
            except ValueError:
                continue
    return (min(found, default=None),)


def parse_plain(plain: PlainLedger, known: Known | None = None) -> LedgerFile | None:
    """The :class:`LedgerFile` :func:`.validate.validate_ledger` makes of the same file,
    when it is valid and plain (see the module docstring); else None."""
    try:
        return _parse(plain, known or Known())
    except Exception:  # _Refer, a reader's ValueError, an unhashable value...
        return None


#: the node every fast-path event is checked with: the checks record a problem at a
#: node's line, and any problem sends the file to the reference path (which has lines)
_NOWHERE = Node({}, None)


def _parse(plain: PlainLedger, known: Known) -> LedgerFile:
    _fresh_memo()
    root = plain.sections
    version = root.get("version")
    if type(version) is not str or version.strip() != "1":
        raise _Refer
    name = _household_name(root.get("household"))
    listed: dict[str, date | None] = {}
    people = _people(root.get("people"), known, listed)
    events = _events(root.get("events"))
    if not all(map(_ID, events)):  # an event without an id: made as the reference does
        events = [e for e, _ in generate_ids([(e, _NOWHERE) for e in events], known)]
    everyone = {**known.people, **listed}
    if not plainly_without_problems(events, everyone, known):  # not sure: the reference
        out = _Collector(plain.file)
        head = [household_event_id(name)] if name is not None else []
        built = [(e, _NOWHERE) for e in events]
        cross_checks(built, everyone, known, out, head + [p.id for p in people])
        if out.problems:
            raise _Refer
    return LedgerFile(
        plain.file,
        plain.household,
        name,
        tuple(people),
        tuple(events),
        (None,) * len(events),
    )


_ID = attrgetter("id")


_TEXT = ev.FieldSpec("text", "text", False, None, "")


def _text(value: object) -> str:
    if type(value) is not str:
        raise _Refer
    return ev.parse_value(_TEXT, value)


def _household_name(household: object) -> str | None:
    if type(household) is str:  # `household: rivera`: the id (checked by read_plain)
        return None
    if type(household) is not dict:  # checked by read_plain
        raise _Refer
    name = household.get("name")
    return None if name is None else _text(name)


_HOUSEHOLD_KEYS = frozenset({"id", "name"})
_PERSON_KEYS = frozenset(PERSON_KEYS)


def _people(section: object, known: Known, listed: dict[str, date | None]) -> list[ev.PersonAdded]:
    if section is None:
        return []
    if type(section) is not list:
        raise _Refer
    today = known.today or date.today()
    result = []
    for item in section:
        fields = _mapping(item, _PERSON_KEYS)
        pid = fields.get("id")
        if type(pid) is not str or TOKEN.fullmatch(pid) is None or pid in listed:
            raise _Refer
        name = fields.get("name")
        if name is not None:
            name = _text(name)
        born = fields.get("born")
        if type(born) is not str:
            raise _Refer
        born = ev.parse_value(_BORN, born)
        if not EARLIEST_BIRTH <= born <= today:
            raise _Refer
        listed[pid] = born
        result.append(person_event(pid, name, born))
    return result


def _events(section: object) -> list[ev.Event]:
    if section is None:
        return []
    if type(section) is not list:
        raise _Refer
    builders = _BUILDERS
    out = []
    for item in section:
        if type(item) is dict:  # read by _counted: no key given twice
            fields = item
        elif type(item) is not tuple:
            raise _Refer
        else:
            fields = dict(item)
            if len(fields) != len(item):
                raise _Refer
        kind = fields.get("kind")
        build = builders.get(kind) if type(kind) is str else None
        if build is None:  # an unknown or internal kind, or one not yet built
            if type(kind) is not str or kind not in _FILE_KINDS:
                raise _Refer
            build = builders[kind]
        out.append(build(fields))
    return out


# --- the per-kind builders -----------------------------------------------------------

#: each reader's values by the text read (see :data:`.validate._MEMO`: readers are pure
#: functions of the text and of the day), emptied when the day changes or they are full
_MEMOS: list[dict[str, object]] = []
_MEMO_SIZE = 100_000
_MEMO_DAY: list[date] = []
#: the event ids found valid (a firm's files repeat e1, e2, ...)
_IDS: dict[str, str] = {}
_MEMOS.append(_IDS)  # type: ignore[arg-type]


#: a memo holding more than this share of :data:`_MEMO_SIZE` is emptied on its own when
#: they are full (amounts rarely repeat; dates, years and people do: their memos stay)
_MEMO_SHARE = 4


def _fresh_memo() -> None:
    day = dates.today()
    if _MEMO_DAY != [day]:
        for memo in _MEMOS:
            memo.clear()
        _MEMO_DAY[:] = [day]
    elif sum(map(len, _MEMOS)) > _MEMO_SIZE:
        for memo in _MEMOS:
            if len(memo) > _MEMO_SIZE // _MEMO_SHARE:
                memo.clear()
        if sum(map(len, _MEMOS)) > _MEMO_SIZE:
            for memo in _MEMOS:
                memo.clear()


def _read_day(raw: object) -> object:
    """A date field's value, as its reader (:func:`.validate.field_reader`:
    :func:`ledger.events.checked_date`) reads a text, on the day the memos are kept for
    (:data:`_MEMO_DAY`, read by :func:`_fresh_memo` as each file's parsing starts) rather
    than on the clock read again for each date: ``date.today()`` goes through
    ``localtime``, more than half of reading a date (a firm's files hold thousands of
    distinct ones). The value of a text is then a function of the text and of that day,
    as each memoised value already is. Refused (:class:`_Refer`) where the reader refuses
    it on that day.

    The last date taken (:func:`ledger.dates.latest_date`, Dec 31 three years ahead)
    is made once for the memos' day (:data:`_LATEST`), not once a date as
    :func:`ledger.dates.date_problem` makes it -- a ``date()`` call; the tests in
    ``tests/test_fast_validate.py`` hold it to :func:`reference_read_day`, which asks
    ``date_problem`` as before (the same values, the same refusals and exceptions)."""
    day = dates.parse_date(raw)  # a builder reads only a text with it
    if day < _EARLIEST:
        raise _Refer
    on = _MEMO_DAY[0] if _MEMO_DAY else None
    if on is not None and _LATEST[0] == on:
        latest = _LATEST[1]
    else:
        latest = dates.latest_date(on)  # raises where date_problem raises (year 9997 on)
        if on is not None:
            _LATEST[:] = [on, latest]
    if day > latest:
        raise _Refer
    return day


#: (the memos' day, :func:`ledger.dates.latest_date` of it), for :func:`_read_day`
_LATEST: list = [None, None]
_EARLIEST = dates.EARLIEST_DATE


def reference_read_day(raw: object) -> object:
    """:func:`_read_day` as it was: ``date_problem`` asked for each date (the reference)."""
    day = dates.parse_date(raw)
    if dates.date_problem(day, _MEMO_DAY[0] if _MEMO_DAY else None) is not None:
        raise _Refer
    return day


def _refuses(read: Callable[[object], object], text: str) -> bool:
    try:
        read(text)
    except ValueError:
        return True
    return False


def _builder(
    kind: str, twin: bool = True, day_reader: bool = True
) -> Callable[[dict[str, Any]], ev.Event]:
    """``build(fields)`` for one file kind: the event :func:`.validate.build_event` makes
    of the same fields, or an exception (:class:`_Refer`, a reader's ValueError) where
    it would record a problem -- or where the value is not one a plain valid file has.

    One straight line per field, as :func:`ledger.events._decoder` writes a decoder: a
    text value through the field's reader (memoised), a boolean as itself in a boolean
    field; an absent (or null, or empty) value is refused when the field is required,
    else the field takes its default, as the class would give it. When the fields read
    (kind, the id, the required fields) are all the event has -- most events -- the
    optional fields take their defaults at once.

    The fields are stored as plain attribute stores into an object of the class's twin
    (:func:`ledger.events._twin`: its layout, not frozen), which then becomes the class,
    as the decoders do; where this Python refuses that, through each slot's descriptor
    (``twin=False``: the reference, a test compares).

    A date field's text is read by :func:`_read_day` (on the day of the memos);
    ``day_reader=False``: by the field's own reader, which reads the clock (the
    reference, a test compares)."""
    cls = ev.KINDS[kind]
    made = ev._twin(cls) if twin else None

    def put(name: str, value: str) -> str:  # the statement storing one field
        return f"o.{name} = {value}" if made is not None else f"set_{name}(o, {value})"

    done = "o.__class__ = cls; return o" if made is not None else "return o"
    readers = {name: (required, read) for name, required, read in _READERS[kind]}
    types = {s.name: s.type for s in ev.FIELDS[kind]}
    scope: dict[str, object] = {
        "new": object.__new__,
        "cls": cls,
        "twin": made if made is not None else cls,
        "allowed": _ALLOWED[kind],
        "token": TOKEN.fullmatch,
        "text": _text,
        "Refer": _Refer,
        "set_id": vars(ev.Event)["id"].__set__,
        "ids": _IDS,
        "plain": PLAIN_AMOUNT.match,
        "D": Decimal,
        "CENT": CENT,
    }
    lines = [
        "def build(d):",
        "    o = new(twin)",
        "    v = d.get('id')",
        f"    if v is None: {put('id', repr(''))}; n = 1",  # n: the keys read (kind, id)
        f"    elif v in ids: {put('id', 'v')}; n = 2",
        f"    elif type(v) is str and token(v) is not None: {put('id', 'ids.setdefault(v, v)')}; n = 2",
        "    else: raise Refer",
    ]
    required_names, optional = [], []
    for f in dataclasses.fields(cls):
        name = f.name
        if name == "id":
            continue
        scope[f"set_{name}"] = getattr(cls, name).__set__
        scope[f"default_{name}"] = f.default
        if name in ("memo", "source"):
            optional += [
                f"    v = d.get({name!r})",
                f"    {put(name, f'default_{name} if v is None else text(v)')}",
            ]
            continue
        required, read = readers[name]
        if types[name] == "date" and day_reader:  # the reader on the memos' day
            read = _read_day
        memo: dict[str, object] = {}
        _MEMOS.append(memo)
        scope[f"read_{name}"], scope[f"memo_{name}"] = read, memo
        boolean = "    elif type(v) is bool: x = v" if types[name] == "bool" else None
        # a plain amount ("1234.56"), as money.parse_money reads it first, and refused
        # where the reader refuses zero ("amount": more than zero); amounts rarely
        # repeat, so no memo for them
        money = []
        if types[name] == "money":
            money = [  # two decimals already ("1234.56", as files mostly say): no quantize
                "if type(v) is str and plain(v) is not None:",
                "    x = D(v) if v[-3:-2] == '.' else D(v).quantize(CENT)",
                *(["    if not x: raise Refer"] if _refuses(read, "0") else []),
            ]
        if required or f.default is dataclasses.MISSING:  # absent, null or empty: refused
            required_names.append(name)
            lines += [
                f"    v = d[{name!r}]",
                *("    " + line for line in money),
                *(["    else:"] if money else []),
                *(
                    ("    " if money else "") + line
                    for line in [
                        f"    x = memo_{name}.get(v)",
                        "    if x is None:",
                        f"        if type(v) is str and v: x = memo_{name}[v] = read_{name}(v)",
                        *(["    " + boolean] if boolean else []),
                        "        else: raise Refer",
                    ]
                ),
                f"    {put(name, 'x')}",
            ]
            continue
        optional += [
            f"    v = d.get({name!r})",
            f"    if v is None or v == '': x = default_{name}",
            *("    el" + line if i == 0 else "    " + line for i, line in enumerate(money)),
            "    else:",
            f"        x = memo_{name}.get(v)",
            "        if x is None:",
            f"            if type(v) is str: x = memo_{name}[v] = read_{name}(v)",
            *(["        " + boolean] if boolean else []),
            "            else: raise Refer",
            f"    {put(name, f'default_{name} if x is None else x')}",
        ]
    defaults = [
        f"        {put(f.name, f'default_{f.name}')}"
        for f in dataclasses.fields(cls)
        if f.name != "id" and f.name not in required_names
    ]
    lines += [
        f"    if len(d) == n + {len(required_names)}:  # no other field: the defaults",
        *defaults,
        f"        {done}",
        "    if not allowed.issuperset(d): raise Refer",
        *optional,
        f"    {done}",
    ]
    exec("\n".join(lines), scope)  # noqa: S102 -- source built from the field table only
    return scope["build"]  # type: ignore[return-value]


#: the builders by kind, each made the first time a file names it (making all two dozen
#: cost every command that imports a file about 15 ms of start-up; a firm's files use a
#: few kinds)
_BUILDERS: dict[str, Callable[[dict[str, Any]], ev.Event]] = ev._OnFirstUse(_builder)
_FILE_KINDS = frozenset(ev.FILE_KINDS)
