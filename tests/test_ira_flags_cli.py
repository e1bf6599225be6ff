"""Traditional-IRA distribution flags through the command line (issue 11 item 5): qcd,
hsa_funding and disaster on ira_distribution, and ira_disaster_repayment. Refusals cite
the rule: a QCD before 70½ (IRC §408(d)(8)(B)(ii)), a second HSA funding distribution in
a later year (§408(d)(9)(C)(ii)), a repayment outside 3 years or above the distribution
(§72(t)(11)(C))."""

from __future__ import annotations

import json


def _setup(run, born="1950-01-15"):
    run("record", "household", "-H", "h", "--name", "H")
    run("record", "person", "-H", "h", "--id", "p", "--name", "P", "--born", born)


def _record(run, kind, *args):
    return run("record", kind, "-H", "h", "--person", "p", *args)


def test_a_qcd_before_70_and_a_half_is_refused(run):
    _setup(run)  # 70½ on 2020-07-15
    r = _record(
        run, "ira_distribution", "--date", "2020-07-14", "--amount", "1000", "--qcd", "1000"
    )
    assert r.exit_code == 2
    assert "reaches 70½ on 2020-07-15" in r.output and "§408(d)(8)(B)(ii)" in r.output
    r = _record(
        run, "ira_distribution", "--date", "2020-07-15", "--amount", "1000", "--qcd", "1000"
    )
    assert r.exit_code == 0, r.output
    r = _record(run, "ira_distribution", "--date", "2021-01-05", "--amount", "100", "--qcd", "200")
    assert r.exit_code == 2 and "more than amount 100" in r.output


def test_a_second_hsa_funding_distribution_in_a_later_year_is_refused(run):
    _setup(run)
    r = _record(
        run,
        "ira_distribution",
        "--id",
        "h1",
        "--date",
        "2019-03-01",
        "--amount",
        "3000",
        "--hsa-funding",
        "3000",
    )
    assert r.exit_code == 0, r.output
    r = _record(
        run, "ira_distribution", "--date", "2021-03-01", "--amount", "3000", "--hsa-funding", "3000"
    )
    assert r.exit_code == 2
    assert "h1 (2019-03-01) is already p's qualified HSA funding distribution" in r.output
    assert "§408(d)(9)(C)(ii)" in r.output
    # the same tax year: allowed (self-only to family coverage), with a warning
    r = _record(
        run, "ira_distribution", "--date", "2019-09-01", "--amount", "1000", "--hsa-funding", "1000"
    )
    assert r.exit_code == 0, r.output
    out = json.loads(
        run("report", "year", "-H", "h", "-p", "p", "-y", "2019", "--format", "json").output
    )
    assert out["taxable_income"]["ira_distributions"] == "0.00"
    assert any("§408(d)(9)(C)(ii)(II)" in w for w in out["warnings"])
    # once voided, the 2019 one no longer stands in the way
    run("void", "h1", "--reason", "not an HFD")
    r = _record(
        run, "ira_distribution", "--date", "2021-03-01", "--amount", "3000", "--hsa-funding", "3000"
    )
    assert r.exit_code == 2  # the 2019-09-01 one still is


def test_disaster_repayment_checks_its_target(run):
    _setup(run, born="1970-01-01")
    _record(run, "ira_distribution", "--id", "o", "--date", "2023-05-01", "--amount", "9000")
    _record(
        run,
        "ira_distribution",
        "--id",
        "q",
        "--date",
        "2023-09-01",
        "--amount",
        "9000",
        "--disaster",
        "true",
    )
    r = _record(
        run, "ira_disaster_repayment", "--date", "2023-10-01", "--amount", "10", "--target", "o"
    )
    assert r.exit_code == 2 and "o is not a qualified disaster distribution" in r.output
    r = _record(
        run, "ira_disaster_repayment", "--date", "2026-09-02", "--amount", "10", "--target", "q"
    )
    assert r.exit_code == 2 and "to 2026-09-01; IRC §72(t)(11)(C)" in r.output
    r = _record(
        run, "ira_disaster_repayment", "--date", "2024-01-10", "--amount", "5000", "--target", "q"
    )
    assert r.exit_code == 0, r.output
    r = _record(
        run, "ira_disaster_repayment", "--date", "2024-02-10", "--amount", "4001", "--target", "q"
    )
    assert r.exit_code == 2 and "come to 9001.00, more than the distribution (9000.00)" in r.output
    r = _record(
        run,
        "ira_distribution",
        "--date",
        "2023-11-01",
        "--amount",
        "50",
        "--qcd",
        "50",
        "--disaster",
        "true",
    )
    assert r.exit_code == 2 and "record the parts as separate ira_distribution events" in r.output
    out = json.loads(
        run("report", "year", "-H", "h", "-p", "p", "-y", "2023", "--format", "json").output
    )
    # no basis: line 15a = 18,000, 15b = 9,000 (the disaster one), 15c = 9,000
    assert out["taxable_income"]["ira_distributions"] == "9000.00"
    assert any("not supported: Form 8915-F is not computed" in w for w in out["warnings"])


def test_a_roth_disaster_repayment_is_not_supported(run):
    _setup(run, born="1970-01-01")
    _record(
        run,
        "roth_distribution",
        "--id",
        "rd",
        "--date",
        "2023-09-01",
        "--amount",
        "900",
        "--disaster",
        "true",
    )
    r = _record(
        run, "ira_disaster_repayment", "--date", "2023-10-01", "--amount", "10", "--target", "rd"
    )
    assert r.exit_code == 2 and "not supported: rd is a Roth IRA disaster distribution" in r.output


def test_a_roth_disaster_distribution_says_its_taxable_part_is_not_computed(run):
    """Form 8606 line 25a = 10,000 - 6,000 of contributions = 4,000 earnings; all of it is
    the disaster part (line 25b), taxed on Form 8915-F, which is not computed: the report
    says so in the words the traditional-IRA case uses, not only that it 'may be spread'."""
    _setup(run, born="1984-01-01")
    _record(run, "roth_contribution", "--tax-year", "2019", "--date", "2019-03-01",
            "--amount", "6000")  # fmt: skip
    _record(run, "roth_distribution", "--date", "2022-10-01", "--amount", "10000",
            "--disaster", "true")  # fmt: skip
    out = json.loads(
        run("report", "withdrawals", "-H", "h", "-p", "p", "-y", "2022", "--format", "json").output
    )
    assert out["form8606"]["25a"] == "4000.00" and out["form8606"]["25b"] == "4000.00"
    assert out["taxable_amount"] == "0.00" and out["additional_tax"] == "0.00"
    assert any(
        "not supported: Form 8915-F is not computed" in w and "line 25b is not in" in w
        for w in out["warnings"]
    )


def test_explain_names_each_flag_and_its_rule(run):
    _setup(run, born="1945-01-01")
    _record(
        run,
        "ira_distribution",
        "--id",
        "g",
        "--date",
        "2024-05-01",
        "--amount",
        "30000",
        "--qcd",
        "20000",
    )
    out = json.loads(
        run(
            "report", "year", "-H", "h", "-p", "p", "-y", "2024", "--explain", "--format", "json"
        ).output
    )
    assert out["taxable_income"]["ira_distributions"] == "10000.00"  # no basis: 30,000 - 20,000
    entry = next(e for e in out["explain"] if e["figure"] == "qcd.g")
    assert entry["value"] == "20000.00" and "IRC §408(d)(8)" in entry["rule"]
    assert [e["id"] for e in entry["events"]] == ["g"]
