"""Excess contributions through the command line: record warns, every report of the
year says so, report year and the batch carry Form 5329 Parts III-IV."""

from __future__ import annotations

import json


def _setup(run):
    run("record", "household", "-H", "h", "--name", "H")
    run("record", "person", "-H", "h", "--id", "p", "--name", "P", "--born", "1978-03-01")


def test_record_warns_and_every_report_of_the_year_shows_the_excess(run):
    _setup(run)
    # Pub 590-A (2023) example: single, MAGI 143,000, compensation 113,000 -> $4,340.
    r = run(
        "record",
        "tax-year-income",
        "-H",
        "h",
        "--person",
        "p",
        "--tax-year",
        "2023",
        "--filing-status",
        "single",
        "--magi",
        "143000",
        "--compensation",
        "113000",
    )
    assert r.exit_code == 0, r.output
    r = run(
        "record",
        "roth_contribution",
        "-H",
        "h",
        "--person",
        "p",
        "--tax-year",
        "2023",
        "--date",
        "2023-03-01",
        "--amount",
        "6500",
    )
    assert r.exit_code == 0
    assert "Roth excess 2,160.00 (Roth limit 4,340.00)" in r.output  # stderr is mixed in
    for kind in ("withdrawals", "form8606", "form5329", "year"):
        out = json.loads(
            run("report", kind, "-H", "h", "-p", "p", "--tax-year", 2023, "--format", "json").output
        )
        assert any("Roth IRA excess contributions 2,160.00" in w for w in out["warnings"]), kind
    year = json.loads(
        run("report", "year", "-H", "h", "-p", "p", "--tax-year", 2023, "--format", "json").output
    )
    assert year["form5329"]["part4"]["23"] == "2160.00"
    assert year["excess_contributions_tax"] == "129.60"  # 6% of 2,160 (no Dec 31 value)
    table = run("report", "form5329", "-H", "h", "-p", "p", "--tax-year", 2023).output
    assert "Part IV - Excess contributions to Roth IRAs" in table
    batch = json.loads(run("report", "batch", "--tax-year", 2023, "--format", "json").output)
    rows = batch if isinstance(batch, list) else batch.get("rows", batch)
    assert rows[0]["excess_contributions_tax"] == "129.60"
    # a corrective return before the due date removes it (§408(d)(4))
    run(
        "record",
        "roth_contribution_return",
        "-H",
        "h",
        "--person",
        "p",
        "--tax-year",
        "2023",
        "--date",
        "2024-04-01",
        "--amount",
        "2160",
        "--earnings",
        "100",
    )
    out = json.loads(
        run(
            "report", "form5329", "-H", "h", "-p", "p", "--tax-year", 2023, "--format", "json"
        ).output
    )
    assert "part4" not in out and out["excess_contributions_tax"] == "0.00"


def test_stated_limit_wins_and_bad_filing_status_is_refused(run):
    _setup(run)
    common = ["-H", "h", "--person", "p", "--tax-year", "2024"]
    run("record", "tax_year_income", *common, "--filing-status", "single", "--magi", "50000")
    run("record", "roth_contribution_limit", *common, "--limit", "1000")
    r = run("record", "roth_contribution", *common, "--date", "2024-05-01", "--amount", "3000")
    assert "Roth excess 2,000.00" in r.output
    r = run("record", "tax_year_income", *common, "--filing-status", "joint", "--magi", "1")
    assert r.exit_code == 2 and "filing_status: unknown filing status 'joint'" in r.output
    assert "--filing-status" in run("record", "tax-year-income", "--help").output


def test_recharacterization_of_a_post_2017_conversion_is_refused(run):
    _setup(run)
    common = ["-H", "h", "--person", "p"]
    conv = run(
        "record", "roth_conversion", *common, "--date", "2019-03-01", "--amount", "100"
    ).output.strip()
    r = run(
        "record",
        "recharacterization",
        *common,
        "--date",
        "2019-05-01",
        "--target",
        conv,
        "--amount",
        "100",
    )
    assert r.exit_code == 2
    assert "a conversion after 2017 cannot be recharacterized (Tax Cuts and Jobs Act" in r.output
    assert "--target" in run("record", "recharacterization", "--help").output


def test_recharacterization_part_and_deductible_are_checked(run):
    """``contribution`` is a part of a contribution (more than 0, at most its amount; a
    conversion's part is ``part``) and ``deductible`` applies to a Roth contribution only."""
    _setup(run)
    common = ["-H", "h", "--person", "p"]
    run("record", "roth_conversion", *common, "--id", "cv", "--date", "2016-03-01",
        "--amount", "100")  # fmt: skip
    run("record", "ira_contribution", *common, "--id", "ic", "--tax-year", "2016", "--date",
        "2016-03-01", "--amount", "4000", "--deductible", "true")  # fmt: skip
    rechar = ["record", "recharacterization", *common, "--date", "2016-05-01", "--amount", "90"]
    r = run(*rechar, "--target", "cv", "--contribution", "50")
    assert r.exit_code == 2
    assert "contribution: cv is a roth_conversion: give the part of it" in r.output
    r = run(*rechar, "--target", "ic", "--contribution", "5000", "--deductible", "true")
    assert r.exit_code == 2
    assert "contribution: 5000.00 is more than ic's amount 4000.00" in r.output
    assert "deductible applies only to a roth_contribution" in r.output
    r = run(*rechar, "--target", "ic", "--contribution", "0")
    assert r.exit_code == 2 and "contribution: 0.00 is not more than 0" in r.output
    assert run(*rechar, "--target", "ic", "--contribution", "3000").exit_code == 0
    basis = json.loads(
        run("report", "basis", *common, "--as-of", "2016-12-31", "--format", "json").output
    )
    assert basis["regular_contribution_basis"] == "3000.00"


def test_batch_lists_a_person_who_only_carries_an_excess(run):
    """Form 5329 line 18 is last year's line 24 when last year's line 25 was more than zero
    (Instructions for Form 5329, Part IV): a 2023 Roth excess of 2,160 with no Roth room in
    2024 (stated limit 0) carries whole: lines 18 = 22 = 24 = 2,160.00, line 25 = 6% =
    129.60. The person has no 2024 contribution or distribution and is still in the batch."""
    _setup(run)
    common = ["-H", "h", "--person", "p"]
    run("record", "roth_contribution_limit", *common, "--tax-year", "2023", "--limit", "4340")
    run(
        "record",
        "roth_contribution",
        *common,
        "--tax-year",
        "2023",
        "--date",
        "2023-03-01",
        "--amount",
        "6500",
    )
    run("record", "roth_contribution_limit", *common, "--tax-year", "2024", "--limit", "0")
    batch = json.loads(run("report", "batch", "--tax-year", 2024, "--format", "json").output)
    rows = batch if isinstance(batch, list) else batch.get("rows", batch)
    assert [(r["person"], r["roth_excess"], r["excess_contributions_tax"]) for r in rows] == [
        ("p", "2160.00", "129.60")
    ]
    f5329 = json.loads(
        run("report", "form5329", "-H", "h", "-p", "p", "-y", "2024", "--format", "json").output
    )
    assert f5329["part4"]["18"] == f5329["part4"]["24"] == "2160.00"
    assert f5329["part4"]["25"] == "129.60"
    # a year with no excess carried and no activity: no row
    batch = json.loads(run("report", "batch", "--tax-year", 2022, "--format", "json").output)
    rows = batch if isinstance(batch, list) else batch.get("rows", batch)
    assert rows == []


def test_form5329_line_12_a_prior_year_excess_withdrawn(run):
    """Form 5329 Part III (Instructions for Form 5329, lines 9-17): a 2023 traditional
    excess of 1,000 (6,500 contributed, compensation 5,500: §219(b)(1)) is taxed 6% = 60
    and carried; in 2024 (no compensation, so line 10 is 0) the 1,000 is withdrawn as an
    earlier year's excess (§408(d)(5)): line 12 = 1,000, line 13 = 10 + 11 + 12 = 1,000,
    line 14 = 9 - 13 = 0, line 17 = 0; not income (Form 8606 line 7 leaves it out)."""
    _setup(run)
    common = ["-H", "h", "--person", "p"]
    for year, comp in (("2023", "5500"), ("2024", "0")):
        run(
            "record",
            "tax_year_income",
            *common,
            "--tax-year",
            year,
            "--filing-status",
            "single",
            "--magi",
            comp,
            "--compensation",
            comp,
        )
    run(
        "record",
        "ira_contribution",
        *common,
        "--tax-year",
        "2023",
        "--date",
        "2023-04-01",
        "--amount",
        "6500",
        "--deductible",
        "false",
    )
    run("record", "ira_year_end_value", *common, "--year", "2023", "--value", "10000")
    r = run(
        "record",
        "ira_distribution",
        *common,
        "--date",
        "2024-06-01",
        "--amount",
        "1200",
        "--excess-withdrawn",
        "1200",
    )
    assert r.exit_code == 0, r.output
    run("record", "ira_year_end_value", *common, "--year", "2024", "--value", "9000")
    y23 = json.loads(
        run("report", "form5329", "-H", "h", "-p", "p", "-y", "2023", "--format", "json").output
    )
    assert y23["part3"]["15"] == "1000.00" and y23["part3"]["17"] == "60.00"
    y24 = json.loads(
        run("report", "form5329", "-H", "h", "-p", "p", "-y", "2024", "--format", "json").output
    )
    p3 = y24["part3"]
    # line 11: the 200 beyond the carried excess is an ordinary distribution, taxable
    # 200 - 200 x 6,500 / (9,000 + 200) = 58.70 (Form 8606 lines 10-15 on the 6,500 basis)
    assert (p3["9"], p3["10"], p3["11"], p3["12"], p3["13"], p3["14"]) == (
        "1000.00",
        "0.00",
        "58.70",
        "1000.00",
        "1058.70",
        "0.00",
    )
    assert p3["16"] == "0.00" and p3["17"] == "0.00"
    assert any("200.00 withdrawn as an earlier year's excess" in w for w in y24["warnings"])
    year = json.loads(
        run("report", "year", "-H", "h", "-p", "p", "-y", "2024", "--format", "json").output
    )
    assert year["form8606"]["part1"]["7"] == "200.00"
