"""Voids, one definition (issue 9 item 10): ``ledger.voids`` decides which events are in
force, and every reader -- reports, ``events``, ``void``, the limit warnings, form intake,
export -- uses it.

The definition (SPEC section 2: a void cancels the event it names; both stay): an event
is in force unless a void in force names it, so a void of a void restores the original.
The figures come from seed 004's "Example of Ordering Rules" (tests/examples/
seed-i-mixed-history-48k.yaml: $48,000 withdrawn in 2022, $200 additional tax).
"""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import events as ev
from ledger.app.exporting import export_household, write_export
from ledger.app.importing import import_file, record_event, void_event
from ledger.app.intake import person_facts
from ledger.app.reporting import run_report
from ledger.errors import InvalidInput, LedgerError
from ledger.projections.limits import contribution_warnings
from ledger.rules.policy import Policy
from ledger.store import MemoryStore
from ledger.voids import cancelled_by, in_force, void_loops, voided_ids

SEED_I = Path(__file__).parent / "examples" / "seed-i-mixed-history-48k.yaml"


def seed_i_file(tmp_path: Path) -> Path:
    path = tmp_path / "seed-i.yaml"
    path.write_text(yaml.safe_dump(yaml.safe_load(SEED_I.read_text())["ledger"]))
    return path


def _e(i: str) -> ev.Event:
    return ev.RothDistribution(id=i, person="p", date=date(2022, 6, 1), amount=Decimal("1.00"))


def _v(i: str, target: str) -> ev.Void:
    return ev.Void(id=i, target=target, reason="x")


# --- the definition ---------------------------------------------------------------------


def test_void_of_a_void_restores_and_a_third_cancels_again():
    e = _e("e")
    assert voided_ids([e, _v("v1", "e")]) == {"e"}
    assert voided_ids([e, _v("v1", "e"), _v("v2", "v1")]) == {"v1"}
    assert in_force([e, _v("v1", "e"), _v("v2", "v1")]) == [e]
    assert cancelled_by([e, _v("v1", "e"), _v("v2", "v1"), _v("v3", "v2")]) == {
        "e": "v1",
        "v2": "v3",
    }


def test_order_does_not_matter_and_unknown_targets_cancel_nothing():
    events = [_v("v2", "v1"), _v("v1", "e"), _e("e"), _v("v9", "nope")]
    assert voided_ids(events) == {"v1"}
    assert in_force(events) == [events[2]]


def test_voids_in_a_loop_cancel_nothing_and_are_found():
    events = [_e("e"), _v("a", "b"), _v("b", "a"), _v("c", "e")]
    assert void_loops(events) == [["a", "b"]]
    assert voided_ids(events) == {"e"}


def _reference(events: list[ev.Event]) -> set[str]:
    """The definition read literally, by recursion (no loops in these inputs)."""
    voids = [e for e in events if isinstance(e, ev.Void)]
    ids = {e.id for e in events}

    def voided(i: str) -> bool:
        return any(v.target == i and not voided(v.id) for v in voids if v.target in ids)

    return {e.id for e in events if voided(e.id)}


@st.composite
def void_forests(draw):
    """Some events, then voids each naming an earlier event or void (so no loops)."""
    events: list[ev.Event] = [_e(f"e{i}") for i in range(draw(st.integers(1, 4)))]
    for i in range(draw(st.integers(0, 10))):
        target = draw(st.sampled_from([x.id for x in events]))
        events.append(_v(f"v{i}", target))
    return events


@settings(max_examples=200, deadline=None)
@given(events=void_forests(), data=st.data())
def test_in_force_matches_the_definition_in_any_order(events, data):
    expected = _reference(events)
    shuffled = data.draw(st.permutations(events))
    assert voided_ids(events) == expected
    assert voided_ids(shuffled) == expected
    by = cancelled_by(shuffled)
    for i, void in by.items():  # the named canceller is a void in force naming i
        target = next(e for e in events if e.id == void)
        assert target.target == i and void not in by
    # voiding a void in force restores exactly what it cancelled
    live_voids = [e for e in events if isinstance(e, ev.Void) and e.id not in expected]
    if live_voids:
        undone = data.draw(st.sampled_from(live_voids))
        after = voided_ids(events + [_v("undo", undone.id)])
        assert after == _reference(events + [_v("undo", undone.id)])
        assert undone.id in after


@settings(max_examples=100, deadline=None)
@given(events=void_forests())
def test_without_a_void_every_event_is_in_force(events):
    """The import skips in_force when no event is a void (importing._plan): then every
    event is in force, in the order given."""
    plain = [e for e in events if not isinstance(e, ev.Void)]
    assert in_force(plain) == plain and ev.Void not in map(type, plain)
    assert (ev.Void in map(type, events)) == any(isinstance(e, ev.Void) for e in events)


# --- the readers --------------------------------------------------------------------------


def _withdrawals(store) -> dict:
    return run_report(store, "withdrawals", "astra", "p", Policy(), tax_year=2022)


def test_reports_void_and_restore_a_distribution(tmp_path):
    store = MemoryStore()
    import_file(store, seed_i_file(tmp_path), "t")
    assert _withdrawals(store)["additional_tax"] == "200.00"  # seed 004
    first = void_event(store, "e10", "entered twice", "t")
    assert _withdrawals(store)["additional_tax"] == "0.00"
    with pytest.raises(LedgerError, match=f"already voided by '{first.event.id}'"):
        void_event(store, "e10", "again", "t")
    second = void_event(store, first.event.id, "it was right", "t")
    report = _withdrawals(store)
    assert report["additional_tax"] == "200.00" and report["form8606"]["19"] == "48000.00"
    # e10 is in force again, so it can be voided again; a voided void cannot
    with pytest.raises(LedgerError, match=f"already voided by '{second.event.id}'"):
        void_event(store, first.event.id, "twice", "t")
    void_event(store, "e10", "now really wrong", "t")
    assert _withdrawals(store)["additional_tax"] == "0.00"


def test_events_command_marks_only_what_is_not_in_force(tmp_path):
    from cli.main import cli

    db = tmp_path / "l.db"
    env = {"ROTH_LEDGER_DB": str(db)}
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(seed_i_file(tmp_path))], env=env).exit_code == 0
    out = runner.invoke(cli, ["void", "e10", "--reason", "x"], env=env).output
    v1 = out.split("void event ")[1].rstrip(")\n")
    assert runner.invoke(cli, ["void", v1, "--reason", "undo"], env=env).exit_code == 0
    rows = json.loads(
        runner.invoke(cli, ["events", "-H", "astra", "--format", "json"], env=env).output
    )["events"]
    marked = {r["id"]: r["voided_by"] for r in rows if r["voided_by"]}
    assert list(marked) == [v1]  # e10 is in force again
    again = runner.invoke(cli, ["void", v1, "--reason", "twice"], env=env)
    assert again.exit_code != 0 and "already voided" in again.output


def test_limit_warnings_follow_a_restored_contribution():
    # 2019 Roth limit under 50: $6,000 (IRS Pub 590-A 2019); 7,000 is over it
    people = {"p": date(1980, 6, 15)}
    over = ev.RothContribution(
        id="c", person="p", tax_year=2019, date=date(2019, 3, 1), amount=Decimal("7000")
    )
    assert contribution_warnings(people, [over])
    assert not contribution_warnings(people, [over, _v("v1", "c")])
    assert contribution_warnings(people, [over, _v("v1", "c"), _v("v2", "v1")])


def test_intake_reads_a_restored_death(tmp_path):
    store = MemoryStore()
    import_file(store, seed_i_file(tmp_path), "t")
    died = record_event(store, "astra", "person_died", {"person": "p", "date": "2023-01-05"}, "t")
    v1 = void_event(store, died.event.id, "wrong person", "t")
    assert person_facts(store, "astra", "p").died_on is None
    void_event(store, v1.event.id, "right person", "t")
    assert person_facts(store, "astra", "p").died_on == date(2023, 1, 5)


def test_a_file_may_not_hold_voids_that_cancel_each_other(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text(
        "version: 1\nhousehold: h\npeople: [{id: p, born: 1980-01-01}]\nevents:\n"
        "  - {id: a, kind: void, target: b, reason: x}\n"
        "  - {id: b, kind: void, target: a, reason: x}\n"
    )
    with pytest.raises(InvalidInput) as exc:
        import_file(MemoryStore(), path, "t")
    assert [str(p) for p in exc.value.problems] == [
        f"{path}:5: target: voids cancel each other in a loop (a -> b -> a)"
    ]


# --- persons, the household, export --------------------------------------------------------


def _round_trip(store, tmp: Path, fmt: str = "yaml") -> MemoryStore:
    buf = io.StringIO()
    write_export(export_household(store, "astra"), fmt, buf)
    fresh = MemoryStore()
    path = tmp / f"export.{fmt}"
    path.write_text(buf.getvalue(), encoding="utf-8")
    import_file(fresh, path, "t")
    return fresh


REPORTS: list[tuple[str, dict[str, Any]]] = [
    ("withdrawals", {"tax_year": 2022}),
    ("form8606", {"tax_year": 2018}),
    ("year", {"tax_year": 2021}),
    ("basis", {"as_of": date(2022, 12, 31)}),
]


def _reports(store) -> list:
    out: list[object] = []
    for kind, kw in REPORTS:
        try:
            report = run_report(store, kind, "astra", "p", Policy(), **kw)
            report.pop("ledger_state")  # the store's own chain: differs after a move
            out.append(report)
        except LedgerError as exc:
            out.append(f"{type(exc).__name__}: {exc}")
    return out


def _names(store) -> tuple:
    from ledger.app.reporting import load_facts

    facts = load_facts(store, "astra")
    return facts.name, {p: (f.name, f.born) for p, f in facts.people.items()}


def test_voided_person_round_trips_and_can_be_added_again(tmp_path):
    store = MemoryStore()
    import_file(store, seed_i_file(tmp_path), "t")
    person = next(s.event for s in store.load("astra") if isinstance(s.event, ev.PersonAdded))
    void_event(store, person.id, "not our client", "t")
    before = _reports(store)
    assert before[0].startswith("MissingFact: missing: birth date of person 'p'")
    assert _reports(_round_trip(store, tmp_path)) == before
    again = record_event(
        store, "astra", "person", {"id": "p", "name": "P", "born": "1980-06-15"}, "t"
    )
    assert again.event.id == person.id
    assert _withdrawals(store)["additional_tax"] == "200.00"  # seed 004 again
    assert _reports(_round_trip(store, tmp_path, "csv")) == _reports(store)


def test_voided_household_name_round_trips(tmp_path):
    store = MemoryStore()
    import_file(store, seed_i_file(tmp_path), "t")
    named = next(s.event for s in store.load("astra") if isinstance(s.event, ev.HouseholdNamed))
    void_event(store, named.id, "typo", "t")
    assert _names(store)[0] is None
    fresh = _round_trip(store, tmp_path)
    assert _names(fresh) == _names(store) and _reports(fresh) == _reports(store)
    record_event(store, "astra", "household", {"name": "Astra"}, "t")
    assert _names(store)[0] == "Astra" and _names(_round_trip(store, tmp_path))[0] == "Astra"


@st.composite
def operations(draw):
    ops = []
    for _ in range(draw(st.integers(1, 6))):
        ops.append(
            draw(
                st.one_of(
                    st.tuples(st.just("void"), st.integers(0, 10_000)),
                    st.tuples(st.just("person"), st.sampled_from(["1980-06-15", "1979-01-01"])),
                    st.tuples(st.just("household"), st.sampled_from(["Astra", "Astra LLC"])),
                )
            )
        )
    return ops


@settings(max_examples=40, deadline=None)
@given(ops=operations(), fmt=st.sampled_from(["yaml", "json", "csv"]))
def test_any_voids_and_records_survive_export_and_import(tmp_path_factory, ops, fmt):
    tmp = tmp_path_factory.mktemp("ops")
    store = MemoryStore()
    import_file(store, seed_i_file(tmp), "t")
    for op, arg in ops:
        if op == "void":
            events = [s.event for s in store.load("astra")]
            live = [e for e in events if e.id not in voided_ids(events)]
            void_event(store, live[arg % len(live)].id, "prop", "t")
        elif op == "person":
            record_event(store, "astra", "person", {"id": "p", "born": arg}, "t")
        else:
            record_event(store, "astra", "household", {"name": arg}, "t")
    fresh = _round_trip(store, tmp, fmt)
    assert _names(fresh) == _names(store)
    assert _reports(fresh) == _reports(store)
