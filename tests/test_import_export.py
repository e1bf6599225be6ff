"""Import / record / void / export use cases and their commands (SPEC sections 4 and 6)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml

from ledger import events as ev
from ledger.app.exporting import export_household, write_export
from ledger.app.importing import import_file, record_event, void_event
from ledger.errors import InvalidInput, LedgerError, NotFound
from ledger.store import MemoryStore

EXAMPLES = Path(__file__).parent / "examples"
SPEC = """\
version: 1
household: {id: rivera, name: Dana and Lee Rivera}
people:
  - {id: dana, name: Dana Rivera, born: 1980-07-02}
events:
  - {id: e1, kind: roth_conversion, person: dana, date: 2017-06-01, amount: 15000, taxable: 15000}
  - {id: e2, kind: roth_contribution, person: dana, tax_year: 2019, date: 2020-04-01, amount: 6000}
  - {id: e3, kind: roth_distribution, person: dana, date: 2022-08-15, amount: 48000, memo: "new car", source: "1099-R Fidelity 2022"}
"""


def write(tmp_path: Path, text: str, name: str = "l.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def facts(store, household):
    return [(s.event.id, s.event.kind, ev.to_payload(s.event)) for s in store.load(household)]


@pytest.fixture
def store():
    return MemoryStore()


# --- import ------------------------------------------------------------------------


def test_import_is_idempotent(store, tmp_path):
    path = write(tmp_path, SPEC)
    first = import_file(store, path, "tester")
    assert (first.household, first.added, first.skipped) == ("rivera", 5, 0)
    again = import_file(store, path, "tester")
    assert (again.added, again.skipped) == (0, 5)
    assert store.version("rivera") == 5
    kinds = [s.event.kind for s in store.load("rivera")]
    assert kinds[:2] == ["household_named", "person_added"]
    assert all(s.recorded_by == "tester" for s in store.load("rivera"))


def test_dry_run_stores_nothing(store, tmp_path):
    result = import_file(store, write(tmp_path, SPEC), "t", dry_run=True)
    assert result.added == 5 and result.dry_run
    assert store.version("rivera") == 0


def test_bad_file_stores_nothing(store, tmp_path):
    bad = SPEC + "  - {kind: roth_distribution, person: dana, date: 2022-08-15, amount: 1.001}\n"
    with pytest.raises(InvalidInput):
        import_file(store, write(tmp_path, bad), "t")
    assert store.households() == []


def test_import_validates_against_the_store(store, tmp_path):
    import_file(store, write(tmp_path, SPEC), "t")
    later = write(
        tmp_path,
        "version: 1\nhousehold: {id: rivera}\nevents:\n"
        "  - {kind: void, target: e3, reason: duplicate 1099-R}\n"
        "  - {kind: roth_distribution, person: dana, date: 2023-01-05, amount: 10}\n",
        "later.yaml",
    )
    result = import_file(store, later, "t")
    assert result.added == 2
    changed = write(tmp_path, SPEC.replace("amount: 48000", "amount: 48001"), "changed.yaml")
    with pytest.raises(InvalidInput, match="id e3 already stored with different content"):
        import_file(store, changed, "t")


def test_changed_birth_date_is_a_new_person_record(store, tmp_path):
    import_file(store, write(tmp_path, SPEC), "t")
    result = import_file(store, write(tmp_path, SPEC.replace("1980-07-02", "1980-07-03")), "t")
    assert result.added == 1
    assert export_household(store, "rivera")["people"] == [
        {"id": "dana", "name": "Dana Rivera", "born": "1980-07-03"}
    ]


def test_over_limit_contribution_is_stored_with_a_warning(store, tmp_path):
    text = (
        SPEC
        + "  - {kind: roth_contribution, person: dana, tax_year: 2024, date: 2024-02-01, amount: 7500}\n"
    )
    result = import_file(store, write(tmp_path, text), "t")
    assert result.added == 6
    assert len(result.warnings) == 1 and "over the 7,000.00 limit" in result.warnings[0]


# --- record and void ------------------------------------------------------------------


def test_record_household_person_and_event(store):
    record_event(store, "h", "household", {"name": "The Hs"}, "t")
    assert (
        record_event(store, "h", "household", {"name": "The Hs"}, "t").version == 1
    )  # same content
    person = record_event(store, "h", "person", {"id": "p", "name": "P", "born": "1970-01-01"}, "t")
    assert person.event.id.startswith("person:p:")
    raw = {"person": "p", "tax_year": "2024", "date": "2024-03-01", "amount": "7000"}
    one = record_event(store, "h", "roth_contribution", raw, "t")
    two = record_event(store, "h", "roth_contribution", raw, "t")
    assert one.event.id != two.event.id  # two identical deposits are two facts
    assert isinstance(one.event, ev.RothContribution) and isinstance(two.event, ev.RothContribution)
    assert one.event.amount == two.event.amount
    mine = record_event(
        store,
        "h",
        "ira_distribution",
        {"id": "x1", "person": "p", "date": "2024-03-01", "amount": "5"},
        "t",
    )
    assert mine.event.id == "x1"


def test_record_refuses_unknown_person_and_bad_values(store):
    record_event(store, "h", "person", {"id": "p", "born": "1970-01-01"}, "t")
    with pytest.raises(InvalidInput) as info:
        record_event(
            store,
            "h",
            "roth_distribution",
            {"person": "q", "date": "2020-01-01", "amount": "5"},
            "t",
        )
    assert "unknown person 'q'" in str(info.value)
    with pytest.raises(InvalidInput) as info:
        record_event(
            store,
            "h",
            "roth_distribution",
            {"person": "p", "date": "2020-02-30", "amount": "5.555"},
            "t",
        )
    assert len(info.value.problems) == 2
    with pytest.raises(InvalidInput):
        record_event(store, "h", "nonsense", {}, "t")
    assert store.version("h") == 1


def test_void(store, tmp_path):
    import_file(store, write(tmp_path, SPEC), "t")
    stored = void_event(store, "e3", "typo", "t")
    assert isinstance(stored.event, ev.Void)
    assert stored.event.target == "e3" and stored.household == "rivera"
    with pytest.raises(LedgerError, match="already voided"):
        void_event(store, "e3", "again", "t")
    with pytest.raises(NotFound):
        void_event(store, "nope", "x", "t")
    with pytest.raises(InvalidInput):
        void_event(store, "e2", "  ", "t")
    import_file(store, write(tmp_path, SPEC.replace("rivera", "other")), "t")
    with pytest.raises(LedgerError, match="several households"):
        void_event(store, "e2", "x", "t")
    assert void_event(store, "e2", "x", "t", household="other").household == "other"


# --- export -------------------------------------------------------------------------


def test_export_shape(store, tmp_path):
    import_file(store, write(tmp_path, SPEC), "t")
    void_event(store, "e2", "wrong year", "t")
    data = export_household(store, "rivera")
    assert list(data) == ["version", "household", "people", "events"]
    assert data["household"] == {"id": "rivera", "name": "Dana and Lee Rivera"}
    assert data["events"][0] == {
        "id": "e1",
        "kind": "roth_conversion",
        "person": "dana",
        "date": "2017-06-01",
        "amount": "15000.00",
        "taxable": "15000.00",
    }
    assert data["events"][2] == {
        "id": "e3",
        "kind": "roth_distribution",
        "person": "dana",
        "date": "2022-08-15",
        "amount": "48000.00",
        "disaster": False,
        "memo": "new car",
        "source": "1099-R Fidelity 2022",
    }
    assert data["events"][3]["kind"] == "void" and data["events"][3]["target"] == "e2"
    with pytest.raises(NotFound):
        export_household(store, "nobody")


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv"])
@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_examples_round_trip(tmp_path, example, fmt):
    ledger = yaml.safe_load(example.read_text())["ledger"]
    source = MemoryStore()
    import_file(source, write(tmp_path, yaml.safe_dump(ledger)), "t")
    household = ledger["household"]["id"]
    void_event(source, ledger["events"][0]["id"], "round-trip a void too", "t")
    out = tmp_path / f"export.{fmt}"
    with open(out, "w", encoding="utf-8", newline="") as stream:
        write_export(export_household(source, household), fmt, stream)
    target = MemoryStore()
    import_file(target, out, "t")
    assert facts(target, household) == facts(source, household)
    assert import_file(target, out, "t").added == 0


def test_write_export_unknown_format():
    with pytest.raises(LedgerError):
        write_export({"events": []}, "xml", io.StringIO())


# --- the commands ---------------------------------------------------------------------


def test_cli_import_events_void_export(run, tmp_path):
    path = write(tmp_path, SPEC)
    result = run("import", str(path), "--dry-run")
    assert result.exit_code == 0 and "would import 5 events (0 already stored)" in result.output
    result = run("import", str(path))
    assert "imported 5 events (0 already stored) into household rivera" in result.output
    assert "imported 0 events (5 already stored)" in run("import", str(path)).output
    assert run("households").output.split() == ["rivera"]
    result = run("void", "e2", "--reason", "wrong year")
    assert result.exit_code == 0 and "voided e2" in result.output
    table = run("events", "--household", "rivera").output
    history = json.loads(run("events", "-H", "rivera", "--format", "json").output)["events"]
    longest = max(len(e["id"]) for e in history)
    for e in history:  # ids are printed whole (they are what `void` needs)
        assert f" {e['id']} " in table
    # about 80 columns: wider only by as much as ids and names are long
    assert all(len(line) <= 80 + max(0, longest - 14) for line in table.splitlines()), table
    assert " 4x e2 " in table or "4x" in table
    rows = json.loads(
        run("events", "-H", "rivera", "--format", "json", "--kind", "roth_contribution").output
    )
    assert rows["events"][0]["voided_by"].startswith("void-")
    assert (
        len(
            json.loads(
                run("events", "-H", "rivera", "--format", "json", "--tax-year", "2022").output
            )["events"]
        )
        == 1
    )
    exported = run("export", "--household", "rivera", "--format", "json").output
    assert json.loads(exported)["events"][-1]["kind"] == "void"
    out = tmp_path / "x.csv"
    assert run("export", "-H", "rivera", "-o", str(out)).exit_code == 0
    assert out.read_text().startswith("kind,id,")
    assert run("events", "-H", "rivera", "--as-known-on", "2000-01-01").exit_code != 0


def test_cli_record(run):
    assert run("record", "household", "--household", "h", "--name", "H").exit_code == 0
    r = run("record", "person", "-H", "h", "--id", "p", "--name", "P", "--born", "1970-01-01")
    assert r.output.startswith("person:p:")
    r = run(
        "record",
        "roth-contribution",
        "-H",
        "h",
        "--person",
        "p",
        "--tax-year",
        "2024",
        "--date",
        "2024-03-01",
        "--amount",
        "7000",
        "--source",
        "5498",
    )
    assert r.exit_code == 0 and r.output.strip().startswith("rc-")
    r = run(
        "record",
        "roth_distribution",
        "-H",
        "h",
        "--person",
        "p",
        "--date",
        "2024-03-01",
        "--amount",
        "1.234",
        "--exception",
        "lottery",
    )
    assert r.exit_code != 0
    assert "amount: 1.234 has more than two decimals" in r.output
    r = run("record", "roth_distribution", "--help")
    assert "--exception" in r.output and "--household" in r.output


@pytest.mark.parametrize(
    "args",
    [
        ["import", "/nonexistent/file.yaml"],
        ["import", "."],
        ["export", "--household", "nobody"],
        ["events", "--household", "nobody"],
        ["void", "nope", "--reason", "x"],
        ["events", "-H", "x", "--as-known-on", "yesterday"],
    ],
)
def test_cli_errors_are_one_line_without_traceback(run, args):
    result = run(*args)
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_every_command_has_help(run):
    for command in (
        ["import"],
        ["export"],
        ["record"],
        ["events"],
        ["void"],
        ["households"],
        ["record", "person"],
        ["record", "plan_distribution"],
    ):
        result = run(*command, "--help")
        assert result.exit_code == 0 and len(result.output) > 100
