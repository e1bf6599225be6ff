"""`record form-1099r` with box 7 codes N and R -> a `recharacterization` (issue 11 item 3).

Where the rules and the figures come from:

* Instructions for Forms 1099-R and 5498, Guide to Distribution Codes (and Announcement
  2000-86, which introduced them): N "recharacterized IRA contribution made for [the year
  of the form] and recharacterized in [that year]", R "made for [the year before] and
  recharacterized in [the year of the form]"; each is used with no other code. The payer
  is the IRA the money left (the IRA/SEP/SIMPLE box checked for a traditional IRA).
  Box 1 is what moved, the net income attributable included (Reg. 1.408A-5 A-2).
* Instructions for Form 8606 (2016), "Recharacterizations" (the project's published case
  tests/examples/i8606-recharacterized-2016-conversion-and-contribution.yaml): a 2016
  conversion recharacterized in 2016 is not on Part II (no income, no layer); a $5,500 2016
  Roth contribution recharacterized to a traditional IRA is a nondeductible contribution
  on line 1 ($5,500, not its earnings), line 14 $5,500. Here the same history is entered
  from its two 1099-Rs (code N, box 1 = $5,700 and $16,000) and must give the same figures.
* A conversion made after 2017 cannot be recharacterized: Tax Cuts and Jobs Act of 2017
  §13611, IRC §408A(d)(6)(B)(iii).
"""

from __future__ import annotations

import json


def _setup(run):
    run("record", "household", "-H", "h", "--name", "H")
    run("record", "person", "-H", "h", "--id", "p", "--name", "P", "--born", "1970-01-01")


def _form(run, year, *args):
    return run("record", "form-1099r", "-H", "h", "-p", "p", "--tax-year", year, *args)


def _record(run, kind, *args):
    r = run("record", kind, "-H", "h", "--person", "p", *args)
    assert r.exit_code == 0, r.output
    return r.output.strip().splitlines()[-1]


def _events(run) -> list[dict]:
    return json.loads(run("events", "-H", "h", "--format", "json").output)["events"]


def _json(run, *args) -> dict:
    r = run("report", *args, "-H", "h", "-p", "p", "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_the_published_2016_case_from_its_two_forms(run):
    _setup(run)
    _record(run, "roth_conversion", "--id", "c1", "--date", "2016-03-01", "--amount", "20000")
    _record(run, "roth_conversion", "--id", "c0", "--date", "2016-03-01", "--amount", "1")
    run("void", "c0", "--reason", "entered twice")  # a voided one is no candidate
    _record(
        run,
        "roth_contribution",
        "--id",
        "c2",
        "--tax-year",
        "2016",
        "--date",
        "2016-02-01",
        "--amount",
        "5500",
    )
    _record(run, "ira_year_end_value", "--year", "2016", "--value", "30000")
    # from a Roth IRA (box not checked), code N for 2016: the conversion and the
    # contribution of 2016 are both candidates -> refused, listing them
    n = ["--box1", "5700", "--box2a", "0", "--box7", "N", "--date", "2016-10-01"]
    before = len(_events(run))
    r = _form(run, 2016, *n)
    assert r.exit_code == 2
    assert "p has several: c1 (conversion 20000.00 on 2016-03-01), c2 (Roth IRA" in r.output
    assert "--target ID" in r.output and "c0" not in r.output
    assert len(_events(run)) == before
    r = _form(run, 2016, *n, "--target", "c2")
    assert r.exit_code == 0, r.output
    assert "c2 (Roth IRA contribution 5500.00) is treated as made to a traditional IRA" in r.output
    # the second form finds the one left: the conversion
    r = _form(run, 2016, "--box1", "16000", "--box7", "N", "--date", "2016-11-01")
    assert r.exit_code == 0, r.output
    assert "c1 (conversion 20000.00) is undone" in r.output
    moves = {
        e["fields"]["target"]: e["fields"]["amount"]
        for e in _events(run)
        if e["kind"] == "recharacterization"
    }
    assert moves == {"c2": "5700.00", "c1": "16000.00"}  # box 1, net income included
    year = _json(run, "year", "--tax-year", "2016")
    assert year["taxable_income"]["conversions"] == "0.00"
    assert year["taxable_income"]["total"] == "0.00"
    assert year["roth_layers_added"] == []
    assert year["form8606"]["part1"]["1"] == "5500.00"
    assert year["form8606"]["part1"]["14"] == "5500.00"
    basis = _json(run, "basis", "--as-of", "2016-12-31")
    assert basis["regular_contribution_basis"] == "0.00" and basis["conversion_layers"] == []
    # once recharacterized, no form finds it again, and naming it is refused
    assert _form(run, 2016, *n).exit_code == 2
    r = _form(run, 2016, *n, "--target", "c2")
    assert r.exit_code == 2 and "c2 is already recharacterized by" in r.output


def test_code_r_is_the_year_before_and_the_ira_box_says_which_ira(run):
    _setup(run)
    roth = [
        "--id",
        "r23",
        "--tax-year",
        "2023",
        "--date",
        "2023-03-01",
        "--amount",
        "6500",
    ]
    _record(run, "roth_contribution", *roth)
    trad = ["--id", "t24", "--tax-year", "2024", "--date", "2024-02-01", "--amount", "7000"]
    _record(run, "ira_contribution", *trad, "--deductible", "no")
    # a 2024 Form 1099-R, code R: made for 2023, recharacterized in 2024 -> r23
    r = _form(run, 2024, "--box1", "6700", "--box2a", "0", "--box7", "R", "--date", "2024-03-15")
    assert r.exit_code == 0, r.output
    # Instructions for Form 8606: line 1 is the contribution, not its earnings
    assert _json(run, "form8606", "--tax-year", "2023")["part1"]["1"] == "6500.00"
    # code N with the IRA box: a traditional contribution for 2024 -> t24, now a Roth one
    r = _form(
        run, 2024, "--box1", "7100", "--box7", "N", "--ira-sep-simple", "--date", "2024-05-01"
    )
    assert r.exit_code == 0, r.output
    assert "t24 (traditional IRA contribution 7000.00) is treated as made to a Roth IRA" in r.output
    basis = _json(run, "basis", "--as-of", "2024-12-31")
    assert basis["regular_contribution_basis"] == "7000.00"  # t24 as a 2024 Roth contribution
    # --target must be what the code and the box say
    _record(
        run,
        "roth_contribution",
        "--id",
        "r25",
        "--tax-year",
        "2025",
        "--date",
        "2025-03-01",
        "--amount",
        "100",
    )
    r = _form(
        run,
        2025,
        "--box1",
        "100",
        "--box7",
        "N",
        "--ira-sep-simple",
        "--date",
        "2025-04-01",
        "--target",
        "r25",
    )
    assert r.exit_code == 2
    assert (
        "from a traditional IRA (the IRA/SEP/SIMPLE box is checked), but r25 is a Roth IRA contribution for 2025"
        in r.output
    )
    r = _form(run, 2025, "--box1", "100", "--box7", "R", "--date", "2025-04-01")
    assert r.exit_code == 2 and "no Roth IRA contribution or conversion for 2024" in r.output


def test_a_conversion_after_2017_cannot_be_recharacterized(run):
    _setup(run)
    _record(run, "roth_conversion", "--id", "v19", "--date", "2019-03-01", "--amount", "100")
    r = _form(run, 2020, "--box1", "100", "--box7", "R", "--date", "2020-03-10")
    assert r.exit_code == 2
    assert (
        "a conversion made after 2017 cannot be recharacterized (Tax Cuts and Jobs Act of 2017 §13611"
        in r.output
    )
    r = _form(run, 2019, "--box1", "100", "--box7", "N", "--date", "2019-05-10", "--target", "v19")
    assert r.exit_code == 2 and "Tax Cuts and Jobs Act of 2017 §13611" in r.output
    # a 2017 conversion recharacterized in 2018 (code R on the 2018 form) is still allowed
    _record(run, "roth_conversion", "--id", "v17", "--date", "2017-03-01", "--amount", "100")
    r = _form(run, 2018, "--box1", "90", "--box7", "R", "--date", "2018-03-10")
    assert r.exit_code == 0, r.output


def test_codes_n_and_r_stand_alone_and_target_needs_them(run):
    _setup(run)
    r = _form(run, 2024, "--box1", "100", "--box7", "RJ", "--date", "2024-03-10")
    assert r.exit_code == 2 and "R is used with no other code" in r.output
    r = _form(run, 2024, "--box1", "100", "--box7", "J", "--date", "2024-03-10", "--target", "x")
    assert r.exit_code == 2 and "not a recharacterization (codes N and R are)" in r.output
    text = " ".join(run("record", "form-1099r", "--help").output.split())
    assert "--target" in text and "Code N" in text
