"""`roth-ledger import` of several files or a directory: one transaction, every problem of
every file listed, nothing stored when any file is bad (SPEC §4: import is atomic)."""

from __future__ import annotations

import json
import sqlite3


def ledger(household: str, amount="6000", extra_events=()) -> dict:
    # the SPEC §4 example shape: one person, one Roth contribution
    return {
        "version": 1,
        "household": {"id": household, "name": f"The {household} household"},
        "people": [{"id": "dana", "name": "Dana", "born": "1980-07-02"}],
        "events": [
            {
                "id": "e1",
                "kind": "roth_contribution",
                "person": "dana",
                "tax_year": 2019,
                "date": "2020-04-01",
                "amount": amount,
            },
            *extra_events,
        ],
    }


def rows(tmp_path) -> int:
    path = tmp_path / "ledger.db"
    if not path.exists():
        return 0
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM events").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        con.close()


def write(directory, name, data) -> str:
    directory.mkdir(exist_ok=True)
    path = directory / name
    path.write_text(json.dumps(data, indent=1))
    return str(path)


def test_a_directory_is_one_import(run, tmp_path):
    clients = tmp_path / "clients"
    for h in ("ames", "baker", "cole"):
        write(clients, f"{h}.json", ledger(h))
    result = run("import", str(clients))
    assert result.exit_code == 0, result.output
    for h in ("ames", "baker", "cole"):
        assert f"imported 3 events (0 already stored) into household {h}" in result.output
    assert run("households").output.split() == ["ames", "baker", "cole"]
    again = run("import", str(clients))
    assert again.exit_code == 0 and rows(tmp_path) == 9  # household, person and event, x3
    assert "imported 0 events (3 already stored) into household cole" in again.output


def test_one_bad_file_stores_nothing_and_every_problem_has_its_line(run, tmp_path):
    clients = tmp_path / "clients"
    write(clients, "ames.json", ledger("ames"))
    bad = ledger("baker", amount="60.001")
    bad["events"].append(
        {
            "id": "e2",
            "kind": "roth_distribution",
            "person": "zed",
            "date": "2022-08-15",
            "amount": "10",
        }
    )
    write(clients, "baker.json", bad)
    result = run("import", str(clients))
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0] == "error: 2 problems found; nothing was stored"
    # json.dumps(indent=1) puts e1's amount on line 21 and e2's person on line 26
    assert any(
        line.endswith("baker.json:21: amount: 60.001 has more than two decimals") for line in lines
    )
    assert any("baker.json:26: person:" in line for line in lines)
    assert rows(tmp_path) == 0


def test_two_files_of_one_household_are_imported_together(run, tmp_path):
    """A year a file (issue 12 item 3): one import, one transaction, in date order."""
    y2019 = write(tmp_path / "x", "2019.json", ledger("ames"))
    later = ledger("ames")
    later["events"] = [
        {
            "id": "e2",
            "kind": "roth_contribution",
            "person": "dana",
            "tax_year": 2021,
            "date": "2021-03-01",
            "amount": "100",
        },
        {"id": "e3", "kind": "void", "target": "e1", "reason": "entered in the wrong year"},
    ]
    y2021 = write(tmp_path / "y", "2021.json", later)
    result = run("import", y2021, y2019)  # named out of order; the void needs e1 first
    assert result.exit_code == 0, result.output
    # the household and the person, listed in both files, are not stored before
    assert (
        "imported 5 events (0 already stored, 2 repeated within this import) into household ames"
    ) in result.output
    assert rows(tmp_path) == 5
    assert run("import", y2019, y2021).output.count("imported 0 events (7 already stored)") == 1
    events = run("events", "-H", "ames", "--format", "json").output
    import json as _json

    ids = [e["id"] for e in _json.loads(events)["events"]]
    assert ids.index("e1") < ids.index("e2") < ids.index("e3")


def test_one_line_json_files_are_ordered_by_their_events_dates(run, tmp_path):
    """A JSON file on one line holds its people's birth dates on the same line as its
    events: the order comes from the events' own dates (a text scan that skipped lines
    naming 'born' saw no date at all and fell back to the file names)."""
    first = ledger("bell")
    later = ledger("bell")
    later["events"] = [
        {"id": "e3", "kind": "void", "target": "e1", "reason": "entered in the wrong year"},
        {
            "id": "e2",
            "kind": "roth_contribution",
            "person": "dana",
            "tax_year": 2021,
            "date": "2021-03-01",
            "amount": "100",
        },
    ]
    d = tmp_path / "one-line"
    d.mkdir()
    (d / "a-2021.json").write_text(json.dumps(later))  # sorts first by name
    (d / "b-2019.json").write_text(json.dumps(first))
    result = run("import", str(d / "a-2021.json"), str(d / "b-2019.json"))
    assert result.exit_code == 0, result.output
    events = json.loads(run("events", "-H", "bell", "--format", "json").output)["events"]
    ids = [e["id"] for e in events]
    assert ids.index("e1") < ids.index("e2")


def test_one_bad_year_file_stores_nothing_of_the_household(run, tmp_path):
    a = write(tmp_path / "x", "a.json", ledger("ames"))
    b = write(tmp_path / "y", "b.json", ledger("ames", amount="-5"))
    result = run("import", a, b)
    assert result.exit_code == 2 and rows(tmp_path) == 0


def test_dry_run_of_several_files(run, tmp_path):
    a = write(tmp_path / "x", "a.json", ledger("ames"))
    b = write(tmp_path / "x", "b.json", ledger("baker"))
    result = run("import", a, b, "--dry-run")
    assert result.exit_code == 0 and "would import 3 events" in result.output
    assert rows(tmp_path) == 0


def test_a_directory_without_ledger_files(run, tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("import", str(tmp_path / "empty"))
    assert result.exit_code == 2 and "no ledger files" in result.output


def test_json_key_given_twice_keeps_its_line(run, tmp_path):
    path = tmp_path / "dup.json"
    path.write_text(
        '{"version": 1,\n "household": {"id": "ames", "name": "A"},\n'
        ' "household": {"id": "ames", "name": "B"},\n "people": [], "events": []}\n'
    )
    result = run("import", str(path))
    assert result.exit_code == 2 and "dup.json:3: household: given twice" in result.output


def test_a_worked_example_file_imports_its_ledger_section(run, tmp_path):
    # tests/examples/pub590b-justin.yaml: Pub 590-B's Justin, ledger beside expect
    from pathlib import Path

    case = Path(__file__).parent / "examples" / "pub590b-justin.yaml"
    result = run("import", str(case))
    assert result.exit_code == 0 and "into household justin" in result.output
    assert run("households").output.split() == ["justin"]


def test_a_directory_lists_its_files_in_path_order(tmp_path):
    """ledger_files sorts a directory's files by name: the order of the Paths themselves."""
    from pathlib import Path

    from ledger.app.importing import ledger_files

    names = ["b.json", "a.yaml", "B.json", "a b.yml", "a-b.csv", "a.b.json", "é.json", "10.json"]
    names += ["9.json", "a.JSON", "_.yaml", "z.txt"]
    for name in names:
        (tmp_path / name).write_text("{}")
    (tmp_path / "dir.json").mkdir()
    found = ledger_files([tmp_path])
    assert found == sorted(
        p for p in Path(tmp_path).iterdir() if p.is_file() and p.suffix != ".txt"
    )
    assert len(found) == len(names) - 1


def test_a_file_named_twice_is_not_already_stored(run, tmp_path):
    """The events of a second copy in the same import are the first copy's, not stored
    ones (before: "imported 3 events (3 already stored)" into an empty ledger)."""
    a = write(tmp_path / "x", "a.json", ledger("cole"))
    result = run("import", a, a)
    assert result.exit_code == 0, result.output
    assert (
        "imported 3 events (0 already stored, 3 repeated within this import) into household cole"
    ) in result.stdout
    assert rows(tmp_path) == 3
    again = run("import", a)
    assert "imported 0 events (3 already stored) into household cole" in again.stdout


def test_an_id_given_twice_in_one_import_names_both_places(run, tmp_path):
    """Two files of one import giving an id with different content: neither is stored,
    so the problem names the other file's line, not "already stored" (as before)."""
    a = write(tmp_path / "x", "a.json", ledger("cole"))
    b = write(tmp_path / "y", "b.json", ledger("cole", amount="5000"))
    line = next(n for n, text in enumerate(open(a).read().splitlines(), start=1) if '"e1"' in text)
    result = run("import", a, b)
    assert result.exit_code == 2, result.output
    assert (
        f"{b}:{line}: id: id e1 is also given in {a}:{line} of this import, with different "
        "content (neither is stored); an id names one event: give one of them another id"
    ) in result.stderr
    assert "already stored" not in result.stderr and "nothing was stored" in result.stderr
    assert rows(tmp_path) == 0
    assert run("import", a).exit_code == 0  # once stored, it is "already stored"
    later = run("import", b)
    assert later.exit_code == 2 and "id e1 already stored with different content" in later.stderr


def test_a_refused_import_leaves_no_ledger_it_created(run, tmp_path):
    """Bad input stores nothing: an import refused into a ledger that did not exist
    leaves no empty ledger file behind (one process or several), a file that was there
    before is left, and a dry run still creates nothing."""
    db = tmp_path / "ledger.db"
    clients = tmp_path / "clients"
    write(clients, "ames.json", ledger("ames"))
    write(clients, "baker.json", ledger("baker", amount="60.001"))
    for jobs in ("1", "2"):
        result = run("import", "--jobs", jobs, str(clients))
        assert result.exit_code == 2 and "nothing was stored" in result.output
        assert sorted(p.name for p in tmp_path.iterdir()) == ["clients"]  # no -wal, -shm
    other = tmp_path / "other"
    write(other, "a.json", ledger("cole"))  # the same id e1 with other content: refused
    write(other, "b.json", ledger("cole", amount="5000"))
    assert run("import", str(other)).exit_code == 2 and not db.exists()
    assert run("import", "--dry-run", str(clients / "ames.json")).exit_code == 0
    assert not db.exists()
    db.write_bytes(b"")  # a file that was there before stays
    assert run("import", str(clients)).exit_code == 2 and db.exists()
    db.unlink()
    assert run("import", str(clients / "ames.json")).exit_code == 0 and rows(tmp_path) == 3
