"""``plan withdrawal`` / ``plan ladder`` through the CLI; the planner must agree to the cent
with the withdrawal report once the withdrawal is recorded.

History: seed 004 (Astra Wealth Partners 2025, tests/examples/seed-i-mixed-history-48k.yaml)
without its 2022 withdrawal: $6,000 regular (2019), $21,000 Roth 401(k) rollover basis
(2021; $1,000 of it an in-plan rollover taxed in 2020), conversions of 2017 ($15,000
taxable) and 2018 ($1,000 taxable + $5,000 basis).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli.main import cli, register

register()
SEED = Path(__file__).parent / "examples" / "seed-i-mixed-history-48k.yaml"


@pytest.fixture()
def db(tmp_path):
    doc = yaml.safe_load(SEED.read_text())["ledger"]
    doc["events"] = [e for e in doc["events"] if e["id"] != "e10"]
    f = tmp_path / "ledger.yaml"
    f.write_text(yaml.safe_dump(doc, sort_keys=False))
    path = tmp_path / "ledger.db"
    r = CliRunner().invoke(cli, ["--db", str(path), "import", str(f)])
    assert r.exit_code == 0, r.output
    return path


def run(db, *args):
    r = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert r.exit_code == 0, r.output
    return json.loads(r.output) if "--format" in args and "json" in args else r.output


def test_maxima_follow_the_ordering(db):
    out = run(
        db,
        "plan",
        "withdrawal",
        "-H",
        "astra",
        "-p",
        "p",
        "--date",
        "2022-06-01",
        "--format",
        "json",
    )
    # all basis: 6,000 + 21,000 + 15,000 + 6,000 = 48,000 comes out tax-free (seed 004: $0 taxable)
    assert out["max_tax_free"] == "48000.00"
    # penalty-free stops at the in-plan rollover's $1,000 still under its 2020 clock (carry)
    assert out["max_tax_and_penalty_free"] == "6000.00"
    none = run(
        db,
        "plan",
        "withdrawal",
        "-H",
        "astra",
        "-p",
        "p",
        "--date",
        "2022-06-01",
        "--irr-recapture",
        "none",
        "--format",
        "json",
    )
    # without IRR recapture: 6,000 + 21,000 + 15,000 (2017 clock ended 2021) = 42,000; then 2018's $1,000
    assert none["max_tax_and_penalty_free"] == "42000.00"


@pytest.mark.parametrize("amount", ["10000", "48000", "50000.55"])
def test_plan_agrees_with_the_recorded_report(db, amount):
    plan = run(
        db,
        "plan",
        "withdrawal",
        "-H",
        "astra",
        "-p",
        "p",
        "--date",
        "2022-06-01",
        "--amount",
        amount,
        "--format",
        "json",
    )
    run(
        db,
        "record",
        "roth_distribution",
        "--household",
        "astra",
        "--person",
        "p",
        "--date",
        "2022-06-01",
        "--amount",
        amount,
    )
    report = run(
        db, "report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022", "--format", "json"
    )
    for key in ("taxable_amount", "additional_tax", "form8606", "form5329"):
        assert plan[key] == report[key], key

    def strip(ds):
        return [{k: v for k, v in d.items() if k != "distribution"} for d in ds]

    assert strip(plan["draws"]) == strip(report["draws"])
    if amount == "48000":
        assert (plan["additional_tax"], plan["taxable_amount"]) == ("200.00", "0.00")  # seed 004


def test_plan_does_not_store_anything(db):
    before = run(db, "events", "--household", "astra", "--format", "json")
    run(
        db,
        "plan",
        "withdrawal",
        "-H",
        "astra",
        "-p",
        "p",
        "--date",
        "2022-06-01",
        "--amount",
        "5",
        "--format",
        "json",
    )
    assert run(db, "events", "--household", "astra", "--format", "json") == before


def test_ladder_dates(db):
    lad = run(
        db, "plan", "ladder", "-H", "astra", "-p", "p", "--as-of", "2021-12-31", "--format", "json"
    )
    by = {(x["source"], x["year"], x["portion"]): x for x in lad["layers"]}
    assert by[("conversion", 2018, "taxable")]["clock_ends"] == "2022-12-31"
    assert by[("conversion", 2018, "taxable")]["penalty_free_from"] == "2023-01-01"
    assert by[("designated_roth_rollover", 2021, "taxable")]["clock_ends"] == "2024-12-31"
    sched = {s["date"]: s["max_penalty_free"] for s in lad["schedule"]}
    assert sched["2025-01-01"] == "48000.00"
    assert lad["qualified_from"] == "2022-01-01"  # first conversion 2017 (Reg. 1.408A-6 A-2)


def test_bad_amount_is_one_clear_line(db):
    r = CliRunner().invoke(
        cli,
        [
            "--db",
            str(db),
            "plan",
            "withdrawal",
            "-H",
            "astra",
            "-p",
            "p",
            "--date",
            "2022-06-01",
            "--amount",
            "12.345",
        ],
    )
    assert r.exit_code == 2 and "more than two decimals" in r.output and "Traceback" not in r.output


# --- plan ladder and plan withdrawal agree (issue 12 item 8) ------------------------------
#
# Reg. 1.408A-6 A-1(b) / IRC §408A(d)(2): a distribution is qualified after the 5-taxable-
# year period AND on/after age 59½, death or disability -- at any amount tax-free and free
# of the 10%. `plan withdrawal` answers "any amount" from that day; the ladder must say the
# same from the same day, and never a smaller penalty-free maximum for a qualified person.

QUALIFIED = """\
version: 1
household: {id: old, name: Old}
people:
- {id: q, name: Q, born: 1950-01-01}
- {id: d, name: D, born: 1980-06-15}
- {id: a, name: A, born: 1966-03-01}
events:
- {id: c1, kind: roth_contribution, person: q, tax_year: 2010, date: 2010-03-01, amount: 5000}
- {id: v1, kind: roth_conversion, person: q, date: 2021-06-01, amount: 10000, taxable: 10000}
- {id: y1, kind: roth_year_end_value, person: q, year: 2022, value: 40000}
- {id: v2, kind: roth_conversion, person: d, date: 2017-06-01, amount: 8000, taxable: 8000}
- {id: x1, kind: person_disabled, person: d, date: 2024-03-01}
- {id: v3, kind: roth_conversion, person: a, date: 2017-06-01, amount: 8000, taxable: 8000}
"""


@pytest.fixture()
def qualified_db(tmp_path):
    f = tmp_path / "old.yaml"
    f.write_text(QUALIFIED)
    path = tmp_path / "old.db"
    r = CliRunner().invoke(cli, ["--db", str(path), "import", str(f)])
    assert r.exit_code == 0, r.output
    return path


def _free(db, person, day):
    return run(
        db, "plan", "withdrawal", "-H", "old", "-p", person, "--date", day, "--format", "json"
    )


def _ladder(db, person, day):
    return run(db, "plan", "ladder", "-H", "old", "-p", person, "--as-of", day, "--format", "json")


def test_ladder_agrees_with_withdrawal_for_a_qualified_person(qualified_db):
    # q: first contribution for 2010 -> 5-year period met 2015-01-01; 59½ on 2009-07-01
    day = "2023-01-01"
    free = _free(qualified_db, "q", day)
    assert free["unlimited"] is True and free["would_be_qualified"] is True
    lad = _ladder(qualified_db, "q", day)
    assert lad["qualified_distributions_from"] == "2015-01-01"
    assert lad["schedule"] == [{"date": day, "max_penalty_free": None, "unlimited": True}]
    # the 2021 conversion's clock (to 2025-12-31) does not bind a qualified distribution
    conv = next(x for x in lad["layers"] if x["source"] == "conversion")
    assert conv["clock_ends"] == "2025-12-31" and conv["penalty_free_from"] == day
    # and the planner's figure for more than the basis: nothing taxable, no 10%
    planned = run(
        qualified_db,
        "plan",
        "withdrawal",
        "-H",
        "old",
        "-p",
        "q",
        "--date",
        day,
        "--amount",
        "20000",
        "--format",
        "json",
    )["planned"]
    assert (planned["taxable_amount"], planned["additional_tax"]) == ("0.00", "0.00")
    table = run(qualified_db, "plan", "ladder", "-H", "old", "-p", "q", "--as-of", day)
    assert "any amount (qualified)" in table and "15,000.00" not in table


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("d", "2024-03-01"),  # 2017 conversion: 5-year met 2022-01-01; disabled 2024-03-01
        ("a", "2025-09-01"),  # 2017 conversion; born 1966-03-01: 59½ on 2025-09-01
    ],
)
def test_ladder_qualified_day_is_withdrawals_first_qualified_day(qualified_db, person, expected):
    lad = _ladder(qualified_db, person, "2023-06-01")
    assert lad["qualified_from"] == "2022-01-01"  # the 5-year date alone
    assert lad["qualified_distributions_from"] == expected
    assert lad["schedule"][-1] == {"date": expected, "max_penalty_free": None, "unlimited": True}
    assert all(not s["unlimited"] for s in lad["schedule"][:-1])
    before = (date.fromisoformat(expected) - timedelta(days=1)).isoformat()
    assert _free(qualified_db, person, before)["would_be_qualified"] is False
    assert _free(qualified_db, person, expected)["would_be_qualified"] is True


def test_ladder_under_59_and_a_half_is_qualified_at_59_and_a_half(db):
    # seed 004: born 1980-06-15, first conversion 2017 -> 5-year met 2022-01-01, but a
    # distribution is qualified only from age 59½: 2039-12-15
    lad = run(
        db, "plan", "ladder", "-H", "astra", "-p", "p", "--as-of", "2025-01-01", "--format", "json"
    )
    assert lad["qualified_distributions_from"] == "2039-12-15"
    assert lad["schedule"][0]["max_penalty_free"] == "48000.00"
    assert lad["schedule"][-1] == {
        "date": "2039-12-15",
        "max_penalty_free": None,
        "unlimited": True,
    }
