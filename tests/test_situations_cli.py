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
