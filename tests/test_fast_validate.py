"""The import's fast path (ledger.ledgerfile.fast) agrees with the reference path
(read_ledger_file + validate_ledger): whatever it accepts, the reference accepts, with
the same events (same classes, ids and payloads) -- on the examples, generated firm
ledgers and generated near-valid and hostile JSON files; and it does accept the valid
plain files (else the import would silently lose its speed)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import events as ev
from ledger.app import importing
from ledger.app.importing import import_files
from ledger.errors import InvalidInput
from ledger.ledgerfile import Known, LedgerFile, fast, read_ledger_file, validate_ledger
from ledger.store import open_store

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from generate import household, lifetime  # noqa: E402

from tests.test_hostile_properties import BASE_EVENTS, HEAD, POOLS, _field_type  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "ledger" / "examples").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "examples").glob("*.yaml")
)


def reference(path: Path, known: Known | None = None) -> LedgerFile | None:
    try:
        return validate_ledger(read_ledger_file(path, lines=False), known)
    except InvalidInput:
        return None


def quick(path: Path, known: Known | None = None) -> LedgerFile | None:
    plain = fast.read_plain(path)
    return fast.parse_plain(plain, known) if plain is not None else None


def rows(ledger: LedgerFile) -> list[tuple]:
    return [(type(e), e.id, e.kind, ev.payload_json(e)) for e in ledger.all_events()]


def agree(path: Path, known: Known | None = None) -> LedgerFile | None:
    """The fast path's answer, checked against the reference's."""
    got = quick(path, known)
    if got is not None:
        want = reference(path, known)
        assert want is not None, f"{path}: the fast path accepts what the reference refuses"
        assert got == want and rows(got) == rows(want), path
        assert got.household == want.household and got.household_name == want.household_name
    return got


def as_json(path: Path, tmp_path: Path) -> Path:
    """A YAML ledger (or worked example) written as the JSON file of the same values."""
    raw = read_ledger_file(path)
    out = tmp_path / (path.stem + ".json")
    out.write_text(json.dumps(raw.root.plain(), default=str))
    return out


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_examples_agree(tmp_path, example):
    path = as_json(example, tmp_path)
    want = reference(path)
    assert want is not None  # every example is a valid ledger
    got = agree(path)
    assert got is not None, f"{example.name}: the fast path refers a valid plain file"
    # imported again: every event is stored, each checked against the stored one
    assert agree(path, Known.from_events(want.all_events())) is not None


def test_generated_firm_ledgers_agree(tmp_path):
    for i, data in enumerate([*(household(i, 100) for i in range(40)), lifetime(2000)]):
        path = tmp_path / f"h{i}.json"
        path.write_text(json.dumps(data))
        assert agree(path) is not None, path
        without_ids = dict(
            data, events=[{k: v for k, v in e.items() if k != "id"} for e in data["events"]]
        )
        path.write_text(json.dumps(without_ids))
        first = agree(path)
        assert first is not None
        # a second file of the household with events already stored (generated ids)
        assert agree(path, Known.from_events(first.all_events())) is not None


def test_each_check_is_refused(tmp_path):
    """Every problem test_ledgerfile.py checks, written as JSON, is referred."""
    from tests import test_ledgerfile as t

    cases = [c for mark in t.test_each_check.pytestmark for c in mark.args[1]]
    assert len(cases) > 30
    for event, _ in cases:
        yaml_path = t.events_file(tmp_path, event)
        path = as_json(yaml_path, tmp_path)
        assert reference(path) is None, event
        assert quick(path) is None, event


def test_a_new_day_empties_the_memo(tmp_path, monkeypatch):
    ledger = {
        "version": 1,
        "household": {"id": "h", "name": "H"},
        "people": [{"id": "p", "name": "P", "born": "1960-01-01"}],
        "events": [
            {"kind": "roth_distribution", "person": "p", "date": "2029-06-01", "amount": "5"}
        ],
    }
    ahead = tmp_path / "ahead.json"
    ahead.write_text(json.dumps(ledger))
    monkeypatch.setattr("ledger.dates.today", lambda: date(2026, 12, 1))
    assert agree(ahead).events[0].date == date(2029, 6, 1)
    monkeypatch.setattr("ledger.dates.today", lambda: date(2025, 12, 1))  # latest: 2028-12-31
    assert quick(ahead) is None and reference(ahead) is None


def test_import_results_and_rows_are_the_same(tmp_path, monkeypatch):
    """The whole import with the fast path and with the reference path alone: the same
    results (warnings included) and the same events stored."""
    files = []
    for i in range(6):
        data = household(i, 60)
        if i == 2:  # over the limit and a duplicate: warnings
            data["events"].append(dict(data["events"][0], id="again"))
            data["events"].append(
                {
                    "kind": "roth_contribution",
                    "person": "a",
                    "tax_year": 2010,
                    "date": "2010-05-01",
                    "amount": "9000",
                }
            )
        path = tmp_path / f"{data['household']['id']}.json"
        path.write_text(json.dumps(data))
        files.append(path)
    at = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    out = {}
    for name in ("fast", "reference"):
        if name == "reference":
            monkeypatch.setattr(importing, "read_plain", lambda path: None)
        store = open_store(f"sqlite:///{tmp_path / name}.db")
        results = import_files(store, files, "tester", recorded_at=at, jobs=1)
        again = import_files(store, files, "tester", recorded_at=at, jobs=1)  # all stored
        stored = {h: [(s.event, s.hash) for s in store.load(h)] for h in store.households()}
        out[name] = (results, again, stored)
    assert out["fast"] == out["reference"]
    assert any(r.warnings for r in out["fast"][0])


# --- generated near-valid and hostile files ------------------------------------------

#: values that read as valid in their field (the readers take several written forms)
VALID = {
    "money": ['"100"', '"1,000.00"', '"$5"', '" 5.5 "', "5", "12.25", '"0.01"'],
    "date": ['" 2021-03-01 "', '"2021-12-31"'],
    "year": ["2021", '" 2021 "'],
    "bool": ["true", "false", '"yes"', '"No"', '"1"'],
    "text": ['"x"', '" spaced "', '"é"'],
    "id": ['"p"'],
    "exception": ['"9"', '"09"', '"disability"'],
    "filing_status": ['"single"'],
}
#: JSON values of the wrong shape (each refused in any field)
SHAPES = ["null", '""', "[]", "{}", '["p"]', '{"a": 1}', "true", "0", "-1", "1e5", '"\\u0000"']


def _obj(pairs: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in pairs) + "}"


#: the near-valid tests' settings (300 examples, the same ones each run)
NEAR_VALID = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@st.composite
def near_valid(draw):
    """A JSON ledger of HEAD and a few events of any kind, with zero to three changes:
    a field given another valid form, a hostile value, a value of the wrong shape, a field
    dropped, added or given twice, the kind or the id changed, the head changed."""
    events = []
    for _ in range(draw(st.integers(1, 4))):
        kind, fields = draw(st.sampled_from(BASE_EVENTS))
        pairs = [("kind", json.dumps(kind))] + [(k, json.dumps(v)) for k, v in fields.items()]
        events.append((kind, pairs))
    head = {
        "version": "1",
        "household": _obj([("id", '"astra"'), ("name", '"Astra"')]),
        "people": "["
        + ", ".join(_obj([(k, json.dumps(v)) for k, v in p.items()]) for p in HEAD["people"])
        + "]",
    }
    for _ in range(draw(st.integers(0, 3))):
        change = draw(st.sampled_from(["valid", "hostile", "shape", "drop", "add", "twice", "kind", "id", "head"]))  # fmt: skip
        at = draw(st.integers(0, len(events) - 1))
        kind, pairs = events[at]
        slot = draw(st.integers(0, len(pairs) - 1))
        name = pairs[slot][0]
        kind_of = "kind" if name == "kind" else _field_type(kind, name) if name != "id" else "id"
        if change == "valid" and kind_of in VALID:
            pairs[slot] = (name, draw(st.sampled_from(VALID[kind_of])))
        elif change == "hostile":
            pool = POOLS.get(kind_of, POOLS["text"])
            pairs[slot] = (name, json.dumps(draw(st.sampled_from(pool))))
        elif change == "shape":
            pairs[slot] = (name, draw(st.sampled_from(SHAPES)))
        elif change == "drop":
            pairs.pop(slot)
        elif change == "add":
            extra = draw(st.sampled_from(["memo", "source", "id", "unknown", "person"]))
            pairs.append((extra, json.dumps(draw(st.sampled_from(["m", "e77", "p", "", "q"])))))
        elif change == "twice":
            pairs.append(pairs[slot])
        elif change == "kind":
            pairs[0] = ("kind", json.dumps(draw(st.sampled_from([*ev.KINDS, *POOLS["kind"]]))))
        elif change == "id":
            pairs.append(
                ("id", json.dumps(draw(st.sampled_from(["e1", "e2", "e10", "x-1", "bad id"]))))
            )
        else:
            which = draw(st.sampled_from(["version", "household", "people", "extra"]))
            value = draw(st.sampled_from(['"1"', "2", "null", '"astra"', "[]", '" 1 "', '{"id": "astra"}', '[{"id": "p", "born": "1980-06-15"}]', '[{"id": "p", "person": "q", "born": "1980-06-15"}]']))  # fmt: skip
            head[which] = value
    body = [(k, v) for k, v in head.items()]
    body.append(("events", "[" + ", ".join(_obj(p) for _, p in events) + "]"))
    return _obj(body)


@given(near_valid())
@NEAR_VALID
def test_near_valid_and_hostile_files_agree(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("near") / "l.json"
    path.write_text(text)
    agree(path)
    want = reference(path)
    if want is not None and '"twice"' not in text:
        # stored already: the same file imported again
        agree(path, Known.from_events(want.all_events()))


def test_valid_base_events_take_the_fast_path(tmp_path):
    """Each base event the reference accepts alone, the fast path accepts itself (a
    builder that referred every file would pass every other test)."""
    taken = 0
    for kind, fields in BASE_EVENTS:
        path = tmp_path / f"{kind}.json"
        path.write_text(json.dumps({"version": 1, **HEAD, "events": [{"kind": kind, **fields}]}))
        if reference(path) is not None:
            assert agree(path) is not None, kind
            taken += 1
    assert taken >= 15


def test_builders_are_made_on_first_use(tmp_path, monkeypatch):
    """A builder is made the first time a file names its kind (not at start-up): every
    file kind's can be made; an internal or unknown kind is referred, no builder made."""
    monkeypatch.setattr(fast, "_BUILDERS", ev._OnFirstUse(fast._builder))
    for kind in ("person_added", "household_named", "no_such_kind"):
        path = tmp_path / f"{kind}.json"
        event = {"kind": kind, "person": "a", "date": "2020-01-02", "amount": "5"}
        path.write_text(json.dumps({"version": 1, **HEAD, "events": [event]}))
        assert quick(path) is None and reference(path) is None
    assert dict(fast._BUILDERS) == {}
    test_valid_base_events_take_the_fast_path(tmp_path)
    assert set(fast._BUILDERS) <= set(ev.FILE_KINDS) and len(fast._BUILDERS) >= 15
    assert all(callable(fast._BUILDERS[kind]) for kind in ev.FILE_KINDS)


# --- the warning pass's shortcuts ------------------------------------------------------


def test_contribution_routes_are_the_reference_predicate(tmp_path):
    """Each event class is sorted by its type (limits._route) as the reference sorts each
    event by isinstance and its attributes: every kind, with and without its optional
    fields (a 529-to-Roth rollover's tax year)."""
    from ledger.ledgerfile.read import Node
    from ledger.ledgerfile.validate import _Collector, build_event
    from ledger.projections import limits

    out = _Collector("base")
    events: list[ev.Event | None] = []
    for kind, fields in BASE_EVENTS:
        for drop in (None, *fields):
            given = {k: Node(v, None) for k, v in fields.items() if k != drop}
            events.append(build_event(Node({"kind": Node(kind, None), **given}, None), out))
    events += [ev.PersonAdded(id="x", person="p", born=date(1970, 1, 1))]
    built = [e for e in events if e is not None]
    assert {type(e) for e in built} == set(ev.KINDS.values()) - {ev.HouseholdNamed}
    assert any(type(e) is ev.Roth529Rollover and e.tax_year is None for e in built)
    for e in built:
        route = limits._route(type(e))
        if isinstance(e, ev.PlanRothContribution):
            assert route == limits._PLAN_ROTH
        elif isinstance(e, ev.PlanAfterTaxContribution):
            assert route == limits._AFTER_TAX
        else:
            want = isinstance(e, (ev.Recharacterization, ev.Roth529Rollover)) or (
                getattr(e, "tax_year", None) is not None and hasattr(e, "person")
            )
            got = route == limits._PERSON or (
                route == limits._PERSON_IF_YEAR and e.tax_year is not None  # type: ignore[attr-defined]
            )
            assert got == want, e


#: amounts about the limits (4,000 in 2005 to 8,000 with the catch-up in 2024)
NEAR = [0, 500, 1000, 3000, 4000, 4500, 5500, 6000, 6500, 7000, 8000, 9000, 12000]


def amounts(low: int):
    return st.one_of(
        st.sampled_from([Decimal(a) for a in NEAR + [-a for a in NEAR if a <= -low]]),
        st.decimals(min_value=low, max_value=12000, places=2),
    )


@given(
    traditional=amounts(0),
    roth=amounts(-3000),
    rollover=st.sampled_from([0, 0, 500, 7000]),
    stated=st.sampled_from([None, None, 0, 3000, 7000]),
    income=st.sampled_from([None, None, "single", "married_filing_separately"]),
    year=st.sampled_from([2005, 2012, 2019, 2024, 2025, 1990, 2100]),
    age=st.sampled_from([None, 30, 49, 50, 75]),
)
@settings(max_examples=400, deadline=None, derandomize=True, database=None)
def test_ira_year_shortcut_agrees(traditional, roth, rollover, stated, income, year, age):
    """limits._ira_year with the shortcut for a year within its assumed limit gives what
    the general path gives."""
    from ledger.projections import limits
    from ledger.projections.excess import YearContributions

    limit = None if stated is None else Decimal(stated)
    c = YearContributions(traditional, roth, Decimal(rollover), limit)
    if income is not None:
        c.income = ev.TaxYearIncome(
            id="i",
            person="p",
            tax_year=year,
            filing_status=income,
            magi=Decimal(150000),
            compensation=Decimal(8000),
        )
    born = date(year - age, 6, 1) if age is not None and year > 1975 else None
    age = age if born is not None else None
    got = limits._ira_year("p", year, c, born, age)
    shortcut = limits._within_assumed_limit
    try:
        limits._within_assumed_limit = lambda *a: False
        want = limits._ira_year("p", year, c, born, age)
    finally:
        limits._within_assumed_limit = shortcut
    assert got == want


def test_ira_year_shortcut_agrees_on_a_grid():
    """Every combination of amounts about the limits, each year and age, in the
    shortcut's domain (no income facts, no stated limit, no 529 rollover)."""
    from ledger.projections import limits
    from ledger.projections.excess import YearContributions

    roths = [Decimal(a) for a in NEAR] + [Decimal(-a) for a in NEAR if 0 < a <= 3000]
    shortcut = limits._within_assumed_limit
    for year in (2005, 2012, 2019, 2024, 2025, 1990, 2100):
        for age in (None, 30, 50, 75):
            born = date(year - age, 6, 1) if age is not None and year > 1975 else None
            age = age if born is not None else None
            for traditional in [Decimal(a) for a in NEAR] + [Decimal("4000.01")]:
                for roth in roths:
                    c = YearContributions(traditional, roth)
                    got = limits._ira_year("p", year, c, born, age)
                    try:
                        limits._within_assumed_limit = lambda *a: False
                        want = limits._ira_year("p", year, c, born, age)
                    finally:
                        limits._within_assumed_limit = shortcut
                    assert got == want, (year, age, traditional, roth)


def test_files_are_ordered_the_same_from_the_plain_reading(tmp_path, monkeypatch):
    """importing._in_date_order with the fast path's reading and with the reference's
    alone: the same order (year files of one household, other households, a YAML file,
    a broken file, an event giving its date twice, dates written loosely)."""
    paths = []
    for i, year in [(1, 2016), (0, 2020), (1, 2006), (2, 2010), (0, 2006), (3, 2012)]:
        data = household(i, 30)
        data["events"] = [e for e in data["events"] if e.get("date", "").startswith(str(year))]
        if i == 3:
            data["events"][0]["date"] = " 2001-01-01 "
            data["events"].append({"kind": "void", "date": [1], "target": "e1"})
        path = tmp_path / f"h{i}-{3000 - year}.json"  # names in the other order
        path.write_text(json.dumps(data))
        paths.append(path)
    twice = tmp_path / "twice.json"
    twice.write_text(
        '{"version": 1, "household": "hh000002", "events": '
        '[{"kind": "void", "date": "2030-01-01", "date": "1999-01-01"}]}'
    )
    broken = tmp_path / "broken.json"
    broken.write_text('{"version": 1,')
    example = EXAMPLES[0]
    paths += [twice, broken, example]
    fast_order = importing._in_date_order(paths)
    monkeypatch.setattr(importing, "read_plain", lambda path: None)
    assert importing._in_date_order(paths) == fast_order
    assert fast_order.index(paths[2]) < fast_order.index(paths[0])  # hh000001: 2006, 2016


def test_every_money_field_reads_as_the_reference_reads_it():
    """The builders read a plain amount themselves (no memo): every money field of every
    kind, given plain, zero, signed and written amounts, gives the reference's value or
    is referred where the reference refuses."""
    from ledger.ledgerfile.read import Node
    from ledger.ledgerfile.validate import _Collector, build_event

    texts = ["100", "100.5", "0100.50", "999999999999.99", "0", "0.00", "0.01", "00", "1.005"]
    texts += ["-5", "$5", "1,000.00", " 5 ", "5.", ".5", "1e3", "1000000000000", "", "x"]
    checked = 0
    for kind, fields in BASE_EVENTS:
        for spec in ev.FIELDS[kind]:
            if spec.type != "money":
                continue
            for text in texts:
                given = {**fields, spec.name: text}
                out = _Collector("f")
                nodes = {k: Node(v, None) for k, v in given.items()}
                want = build_event(Node({"kind": Node(kind, None), **nodes}, None), out)
                try:
                    got = fast._BUILDERS[kind]({"kind": kind, **given})
                except Exception:
                    got = None
                if got is None:
                    continue  # referred: the reference decides
                assert want is not None, (kind, spec.name, text)
                assert got == want and ev.payload_json(got) == ev.payload_json(want)
                checked += 1
    assert checked > 100


# --- the dict reading (fast._counted) against the pairs reading (fast._read_pairs) ------


def _by_pairs(path: Path, known: Known | None = None):
    """What the fast path makes of ``path`` read as pairs alone (the reference reading
    of :func:`fast._counted`): (read or not, household, ledger, first date)."""
    from unittest import mock

    with mock.patch.object(fast, "_counted", lambda data, text: None):
        return _readings(path, known)


def _readings(path: Path, known: Known | None = None):
    plain = fast.read_plain(path)
    if plain is None:
        return None
    ledger = fast.parse_plain(plain, known)
    made = None if ledger is None else (ledger, rows(ledger), ledger.household_name)
    return plain.household, made, fast.first_plain_date(plain)


def _readings_agree(path: Path) -> None:
    got, want = _readings(path), _by_pairs(path)
    assert got == want, path.read_text()[:300]
    if want is not None and want[1] is not None:
        known = Known.from_events(want[1][0].all_events())
        assert _readings(path, known) == _by_pairs(path, known)


#: files a colon count is not sure of (a colon in a string, a key given twice at any
#: level, an object in a field) and ones it is
COUNTED_CASES = [
    '{"version": 1, "household": "h", "events": [{"kind": "roth_distribution", "person": "p", "date": "2021-03-01", "amount": "5", "memo": "a: b"}], "people": [{"id": "p", "born": "1960-01-01"}]}',
    '{"version": 1, "household": "h", "people": [{"id": "p", "born": "1960-01-01", "born": "1961-01-01"}], "events": []}',
    '{"version": 1, "version": 1, "household": "h"}',
    '{"version": 1, "household": {"id": "h", "id": "g"}}',
    '{"version": 1, "household": {"id": "h", "name": "a:b"}}',
    '{"version": 1, "household": "h", "people": [{"id": "p", "born": "1960-01-01"}], "events": [{"kind": "roth_distribution", "person": "p", "date": "2021-03-01", "amount": {"a": "5"}}]}',
    '{"version": 1, "household": "h", "people": [{"id": "p", "born": "1960-01-01"}], "events": [{"kind": "roth_distribution", "person": "p", "date": "2021-03-01", "amount": {}}]}',
    '{"version": 1, "household": "h", "people": [{"id": "p", "born": "1960-01-01"}], "events": [{"kind": "roth_distribution", "person": "p", "date": "2021-03-01", "date": "2021-03-02", "amount": "5"}]}',
    '{"version": 1, "household": "h", "people": [{"id": "p", "born": "1960-01-01"}], "events": [{"kind": "roth_distribution", "person": "p", "date": "2021-03-01", "amount": "5"}, "x", []]}',
    '{"version": 1, "household": "h", "people": [{"id": "p", "born": "1960-01-01"}], "events": [{"kind": "roth_distribution", "person": "p", "date": "2021-03-01", "amount": "5"}]}',
    '{"version": 1, "household": "h", "people": {}, "events": {}}',
    '{"version": 1, "household": {}, "people": [{}], "events": [{}]}',
    '{"version": 1, "household": "h", "other": {"a": 1}}',
    '{"version": 1, "household": "h", "people": [{"id": "p", "born": "1960-01-01"}], "events": [{"kind": "roth_distribution", "person": "p", "date": "2021-03-01", "amount": "5", "a:b": 1}]}',
    '[{"version": 1}]',
    '{"version": 1, "household": "h"',
    "null",
]


@pytest.mark.parametrize("text", COUNTED_CASES)
def test_the_dict_reading_agrees_with_the_pairs_reading(tmp_path, text):
    path = tmp_path / "l.json"
    path.write_text(text)
    _readings_agree(path)


@given(near_valid(), st.sampled_from(["", "a: b", "::", "e1"]))
@NEAR_VALID
def test_the_dict_reading_agrees_on_near_valid_files(tmp_path_factory, text, memo):
    """Generated near-valid and hostile files (keys given twice, objects in fields, a
    colon in a text): read as dicts where the count is sure, as pairs where not, the
    fast path makes the same of them as of the pairs alone."""
    if memo:
        text = text.replace('"kind": ', f'"memo": {json.dumps(memo)}, "kind": ', 1)
    path = tmp_path_factory.mktemp("counted") / "l.json"
    path.write_text(text)
    _readings_agree(path)


def test_firm_files_are_read_as_dicts(tmp_path):
    """A firm's generated files are read as dicts (else the import would silently lose
    the speed of not building one per event), and give what the pairs reading gives."""
    for i, data in enumerate([*(household(i, 100) for i in range(10)), lifetime(500)]):
        path = tmp_path / f"h{i}.json"
        path.write_text(json.dumps(data))
        plain = fast.read_plain(path)
        assert plain is not None and type(plain.sections["events"][0]) is dict
        _readings_agree(path)


# --- the builders' twin stores against the slot descriptors ------------------------------


@given(near_valid())
@NEAR_VALID
def test_twin_builders_agree_with_descriptor_builders(text):
    """Each builder storing into the class's twin gives the event (or the refusal) the
    builder setting each slot through its descriptor gives."""
    try:
        data = json.loads(text, parse_float=str, parse_int=str)
    except ValueError:
        return
    for item in data.get("events", []) if isinstance(data, dict) else []:
        kind = item.get("kind") if isinstance(item, dict) else None
        if kind not in ev.FILE_KINDS:
            continue
        results = []
        for build in (fast._BUILDERS[kind], _DESCRIPTOR_BUILDERS[kind]):
            try:
                made = build(item)
                results.append((type(made), made, ev.payload_json(made)))
            except Exception as exc:
                results.append(type(exc))
        assert results[0] == results[1], item


_DESCRIPTOR_BUILDERS = ev._OnFirstUse(lambda kind: fast._builder(kind, twin=False))


def test_builders_store_into_the_twin():
    """The builders this Python runs store into the twin (a refused ``__class__``
    assignment would silently take the slower descriptors)."""
    assert ev._twin(ev.RothContribution) is not None
    build = fast._builder("roth_contribution")
    assert "twin" in build.__globals__ and build.__globals__["twin"] is not ev.RothContribution
    event = build(
        {
            "kind": "roth_contribution",
            "person": "a",
            "tax_year": "2020",
            "date": "2020-05-01",
            "amount": "100.00",
        }
    )
    assert type(event) is ev.RothContribution and event.amount == Decimal("100.00")


# --- the date reader on the memos' day (fast._read_day) ----------------------------------

DAY_TEXTS = st.one_of(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat),
    st.sampled_from(
        ["1974-12-31", "1975-01-01", "2028-12-31", "2029-01-01", "2029-12-31", "2030-01-01"]
    ),
    st.text(alphabet="0123456789-/ T\t\u0663", min_size=8, max_size=12),
).flatmap(lambda t: st.sampled_from([t, f" {t}", f"{t}\n", t.replace("-", "/")]))


@settings(max_examples=400, deadline=None)
@given(
    text=DAY_TEXTS,
    today=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    kind=st.sampled_from(["roth_distribution", "roth_contribution", "roth_conversion"]),
)
def test_dates_read_on_the_memos_day_as_the_reference_reads_them(text, today, kind):
    """``fast._read_day`` (a date field's text on the day ``_fresh_memo`` read) gives
    the field reader's value (ledger.events.checked_date: the clock read again), or
    refuses where it refuses, on the same day -- around 1975-01-01 and the last day
    (Dec 31, three years ahead) included; and a builder reading its date with it
    (``_builder``) makes the event the one reading with the field's own reader makes
    (``day_reader=False``) or is refused alike."""
    from unittest import mock

    from ledger.ledgerfile.validate import _READERS

    read = dict((name, r) for name, _, r in _READERS[kind])["date"]
    with mock.patch("ledger.dates.today", lambda: today):
        fast._fresh_memo()
        try:
            want: object = read(text)
        except ValueError:
            want = ValueError
        try:
            got: object = fast._read_day(text)
        except (fast._Refer, ValueError):  # either sends the file to the reference
            got = ValueError
        assert got == want
        fields = {**dict(BASE_EVENTS)[kind], "kind": kind, "date": text}
        outcomes = []
        for day_reader in (True, False):
            try:
                outcomes.append(fast._builder(kind, day_reader=day_reader)(dict(fields)))
            except Exception as exc:  # noqa: BLE001 -- refused alike
                outcomes.append(type(exc) if not isinstance(exc, ValueError) else fast._Refer)
        assert outcomes[0] == outcomes[1] or outcomes == [fast._Refer, fast._Refer]
    fast._fresh_memo()  # the memos of the real day again


def _outcome(read, text):
    try:
        return read(text)
    except Exception as exc:  # noqa: BLE001 -- compared: the same exception and words
        return (type(exc), str(exc))


@settings(max_examples=400, deadline=None)
@given(
    reads=st.lists(
        st.tuples(
            st.one_of(
                st.none(),
                st.dates(min_value=date(2020, 1, 1), max_value=date(2031, 12, 31)),
                st.dates(min_value=date(9990, 1, 1)),
                st.dates(max_value=date(1980, 1, 1)),
            ),
            DAY_TEXTS | st.dates().map(date.isoformat),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_the_date_reader_takes_the_last_date_as_the_reference_does(reads):
    """``fast._read_day`` (the last date taken made once a memo day) reads each text as
    ``fast.reference_read_day`` (``date_problem`` asked each time) on the same memo day,
    the day changing between reads or not, none at all (the clock), or one whose last date
    cannot be made (the year 9997 on): the same date, or the same exception and words."""
    try:
        for day, text in reads:
            fast._MEMO_DAY[:] = [] if day is None else [day]
            assert _outcome(fast._read_day, text) == _outcome(fast.reference_read_day, text)
    finally:
        fast._fresh_memo()  # the memos of the real day again


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    memo=st.lists(
        st.sampled_from(
            ["\\ud800", "\\udc00", "\\ud83d\\ude00", "\\\\", "\\u0041", "a", '\\"', "\\n"]
        ),
        max_size=5,
    ).map("".join),
)
def test_a_lone_surrogate_escape_is_refused_whatever_the_backslashes(tmp_path, memo):
    """read_plain looks for a lone \\uD800-\\uDFFF escape only in a text holding a
    backslash (a one-character search first): a memo of JSON escapes (lone and paired
    surrogates, an escaped backslash or quote, \\u0041, \\n) is refused by the plain
    reading wherever the text holds a lone surrogate escape (read._LONE_SURROGATE), and
    read where it holds none and parses -- as before."""
    from ledger.ledgerfile.read import _LONE_SURROGATE

    text = (
        '{"version": 1, "household": "h", "events": [{"kind": "roth_distribution", '
        '"person": "p", "date": "2020-01-02", "amount": "5.00", "memo": "' + memo + '"}]}'
    )
    path = tmp_path / "m.json"
    path.write_text(text, encoding="utf-8")
    lone = _LONE_SURROGATE.search(text) is not None
    try:
        json.loads(text)
        parses = True
    except ValueError:
        parses = False
    plain = fast.read_plain(path)
    if lone:
        assert plain is None
    elif parses:
        assert plain is not None


@pytest.mark.parametrize(
    "name", ["hh.json", "HH.JSON", ".json", "x.json.yaml", "a..json", "hh.yaml"]
)
def test_read_plain_of_a_path_is_that_of_its_text(tmp_path, name):
    """read_plain of a Path (used as it is) is read_plain of its text (made a Path
    again: the reference), for names with and without a JSON suffix."""
    path = tmp_path / "sub" / name
    path.parent.mkdir()
    path.write_text('{"version": "1", "household": "hh", "events": []}')
    assert fast.read_plain(path) == fast.read_plain(str(path))
    assert (fast.read_plain(path) is None) == (name in (".json", "x.json.yaml", "hh.yaml"))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=12,
)


def _either(decode, text):
    try:
        return "value", decode(text)
    except Exception as exc:  # noqa: BLE001 -- compared: the same exception and message
        return type(exc), str(exc)


@settings(max_examples=300, deadline=None)
@given(
    value=_JSON,
    prefix=st.sampled_from(["", "\ufeff", " ", "x", "[", "\ufeff\ufeff"]),
    suffix=st.sampled_from(["", " ", "x", "]", "\n", "NaN", " Infinity"]),
)
def test_plain_json_is_json_loads_with_the_options(value, prefix, suffix):
    text = prefix + json.dumps(value, allow_nan=True) + suffix
    assert _either(fast.plain_json, text) == _either(fast.reference_plain_json, text)
    assert _either(fast.plain_json, text) == _either(fast.plain_json, text)  # reusable
