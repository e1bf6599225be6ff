"""Duplicates noticed (issue 12 item 6), through the command line.

The same distribution (person, date, amount) entered by hand and again from its 1099-R,
or the same contribution twice, is stored (two equal contributions can be real) with a
warning that names both events: at ``record``, ``record form-1099r``, ``import`` and in
every report of that year (JSON ``warnings``, the table's warnings). A voided duplicate
no longer warns. The numbers are plain: a 1099-R box 1 of 5,000.00 paid 2022-08-15 is
the same distribution as a hand-entered 5,000.00 withdrawal of that day.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import events as ev
from ledger.projections.duplicates import duplicate_warnings

BORN = "1960-01-01"  # 59½ on 2019-07-01


@pytest.fixture
def h(run):
    assert run("record", "household", "-H", "h", "--name", "H").exit_code == 0
    assert run("record", "person", "-H", "h", "--id", "dana", "--born", BORN).exit_code == 0
    return run


def _record(run, *args):
    result = run("record", *args)
    assert result.exit_code == 0, result.output
    return result


def _report(run, kind, year, *extra):
    result = run("report", kind, "-H", "h", "-p", "dana", "-y", year, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _dup(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "possible duplicate" in w]


def test_hand_entry_then_its_1099r_warns_naming_both(h):
    hand = _record(
        h, "roth_distribution", "-H", "h", "-p", "dana", "--date", "2022-08-15", "--amount", "5000"
    )
    hand_id = hand.stdout.strip()
    assert "duplicate" not in hand.stderr
    form = _record(
        h,
        "form-1099r",
        "-H",
        "h",
        "-p",
        "dana",
        "-y",
        "2022",
        "--box1",
        "5000",
        "--box7",
        "T",
        "--date",
        "2022-08-15",
    )
    form_id = form.stdout.split()[1]
    [warning] = form.stderr.strip().splitlines()
    assert warning.startswith("warning: dana: 2022: possible duplicate roth_distribution")
    assert hand_id in warning and form_id in warning and "5,000.00" in warning
    assert "2022-08-15" in warning
    # stored anyway: both are in the ledger
    events = json.loads(h("events", "-H", "h", "--format", "json").stdout)["events"]
    assert {hand_id, form_id} <= {e["id"] for e in events}
    # every report of 2022 says so, in its JSON and its table
    for kind in ("withdrawals", "form8606", "form5329", "year"):
        [w] = _dup(_report(h, kind, "2022")["warnings"])
        assert hand_id in w and form_id in w, kind
        table = h("report", kind, "-H", "h", "-p", "dana", "-y", "2022")
        assert hand_id in table.stdout and form_id in table.stdout, kind
    batch = h("report", "batch", "-y", "2022", "--format", "json")
    assert hand_id in batch.stdout and form_id in batch.stdout
    # another year's report does not
    assert _dup(_report(h, "year", "2021")["warnings"]) == []
    # voided, it no longer warns
    assert h("void", form_id, "--reason", "entered twice").exit_code == 0
    for kind in ("withdrawals", "year"):
        assert _dup(_report(h, kind, "2022")["warnings"]) == []


def test_the_same_contribution_twice_warns_at_record_and_in_reports(h):
    args = ("roth_contribution", "-H", "h", "-p", "dana", "-y", "2021", "--date", "2022-04-01")
    first = _record(h, *args, "--amount", "6000").stdout.strip()
    other = _record(h, *args, "--amount", "5000")  # another amount: not the same
    assert "duplicate" not in other.stderr
    second = _record(h, *args, "--amount", "6000")
    again = second.stdout.strip()
    assert again != first
    [warning] = [w for w in second.stderr.splitlines() if "duplicate" in w]
    assert first in warning and again in warning and "tax year 2021" in warning
    # the contribution's tax year is the report year that warns (not its deposit year)
    [w] = _dup(_report(h, "year", "2021")["warnings"])
    assert first in w and again in w
    assert _dup(_report(h, "year", "2022")["warnings"]) == []
    # a contribution for another tax year on the same day is another contribution
    other_year = _record(
        h,
        "roth_contribution",
        "-H",
        "h",
        "-p",
        "dana",
        "-y",
        "2022",
        "--date",
        "2022-04-01",
        "--amount",
        "6000",
    )
    assert "duplicate" not in other_year.stderr


def test_import_warns_and_stores(h, tmp_path):
    path = tmp_path / "h.yaml"
    path.write_text(
        "version: 1\nhousehold: h\nevents:\n"
        "  - {id: a, kind: ira_distribution, person: dana, date: 2023-03-01, amount: 1200}\n"
        "  - {id: b, kind: ira_distribution, person: dana, date: 2023-03-01, amount: 1200}\n"
        "  - {id: c, kind: ira_year_end_value, person: dana, year: 2023, value: 0}\n",
        encoding="utf-8",
    )
    result = h("import", str(path))
    assert result.exit_code == 0, result.output
    assert "imported 3 events" in result.stdout
    [warning] = [w for w in result.stderr.splitlines() if "duplicate" in w]
    assert "ira_distribution" in warning and " a and b " in warning
    assert _dup(_report(h, "form8606", "2023")["warnings"])
    # a dry run of the same file: the warning again, nothing more stored
    dry = h("import", str(path), "--dry-run")
    assert "duplicate" in dry.stderr


def test_a_void_in_a_file_ends_the_warning(h, tmp_path):
    path = tmp_path / "h.yaml"
    path.write_text(
        "version: 1\nhousehold: h\nevents:\n"
        "  - {id: a, kind: roth_distribution, person: dana, date: 2023-03-01, amount: 100}\n"
        "  - {id: b, kind: roth_distribution, person: dana, date: 2023-03-01, amount: 100}\n"
        "  - {id: v, kind: void, target: b, reason: entered twice}\n",
        encoding="utf-8",
    )
    result = h("import", str(path))
    assert result.exit_code == 0, result.output
    assert "duplicate" not in result.stderr
    assert _dup(_report(h, "withdrawals", "2023")["warnings"]) == []


_DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2020, 1, 3))
_AMOUNTS = st.sampled_from(["100.00", "200.00"])


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_DAYS, _AMOUNTS), min_size=1, max_size=8))
def test_one_warning_per_group_naming_every_member(rows):
    """Property: there is a warning exactly for each (date, amount) held by two or more
    events, and it names each of them; events that differ in date or amount never share
    one."""
    from decimal import Decimal

    events = [
        ev.RothDistribution(id=f"d{i}", person="p", date=day, amount=Decimal(amount))
        for i, (day, amount) in enumerate(rows)
    ]
    groups: dict[tuple, list[str]] = {}
    for e in events:
        groups.setdefault((e.date, e.amount), []).append(e.id)
    expected = [ids for ids in groups.values() if len(ids) > 1]
    warnings = duplicate_warnings(events)
    assert len(warnings) == len(expected)
    for ids in expected:
        [w] = [w for w in warnings if f"{ids[0]} " in w or f"{ids[0]}," in w]
        for i in ids:
            assert i in w


def test_a_contribution_by_hand_and_from_its_5498(h):
    hand = _record(
        h, "roth_contribution", "-H", "h", "-p", "dana", "-y", "2023", "--date", "2024-04-01", "--amount", "6500"
    ).stdout.strip()  # fmt: skip
    form = _record(
        h, "form-5498", "-H", "h", "-p", "dana", "-y", "2023", "--account", "ROTH", "--box10", "6500", "--date", "2024-04-01"
    )  # fmt: skip
    form_id = form.stdout.split()[1]
    [warning] = [w for w in form.stderr.splitlines() if "duplicate" in w]
    assert hand in warning and form_id in warning and "tax year 2023" in warning
    [w] = _dup(_report(h, "form5329", "2023")["warnings"])
    assert hand in w and form_id in w
