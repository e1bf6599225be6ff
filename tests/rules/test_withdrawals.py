"""One year's Roth IRA distributions: per-distribution attribution, exceptions, forms."""

from datetime import date
from decimal import Decimal

from ledger.reports.build import basis_report, withdrawals_report, year_report
from ledger.rules.policy import Policy

from .helpers import facts

P = Policy()


def test_distributions_straddling_59_and_a_half_are_judged_one_by_one():
    # RULES.md section 0: ordering per year, 10% test per distribution, in date order;
    # born 1965-08-31 -> 59½ on 2025-02-28, and a distribution on that date is at 59½.
    f = facts(
        "1965-08-31",
        ("roth_conversion", dict(date="2023-03-01", amount="10000", taxable="10000")),
        ("roth_distribution", dict(date="2025-02-27", amount="4000")),
        ("roth_distribution", dict(date="2025-02-28", amount="4000")),
    )
    r = withdrawals_report(f, "p", 2025, P)
    assert [d["additional_tax"] for d in r["distributions"]] == ["400.00", "0.00"]
    assert r["form5329"] == {"1": "4000.00", "2": "0.00", "3": "4000.00", "4": "400.00"}
    assert r["qualified"] is False  # clock started 2023: qualified only from 2028


def test_qualified_first_home_distribution_goes_on_lines_19_and_20():
    # Instructions for Form 8606 line 20 (first-time homebuyer, 5-year period met):
    # line 19 includes it, line 20 takes it out; Form 5329 line 1 and line 2 (code 09).
    f = facts(
        "1980-01-01",
        ("roth_contribution", dict(tax_year=2015, date="2015-03-01", amount="5000")),
        ("roth_distribution", dict(date="2022-05-01", amount="8000", exception="first_home")),
    )
    r = withdrawals_report(f, "p", 2022, P)
    assert r["qualified"] is True
    assert r["form8606"] == {"19": "8000.00", "20": "8000.00", "21": "0.00"}
    assert r["form5329"] == {"1": "8000.00", "2": "8000.00", "3": "0.00", "4": "0.00"}
    assert r["taxable_amount"] == "0.00"
    assert r["exceptions"][0]["code"] == "09"


def test_exception_code_in_an_unconfirmed_year_is_refused():
    # RULES.md (g): the 2023-2024 numbering is UNCONFIRMED; a number cannot be trusted there.
    import pytest

    from ledger.errors import LedgerError

    f = facts(
        "1985-01-01",
        ("roth_conversion", dict(date="2020-03-01", amount="20000", taxable="20000")),
        ("roth_distribution", dict(date="2023-05-01", amount="6000", exception="09")),
    )
    with pytest.raises(LedgerError, match="UNCONFIRMED"):
        withdrawals_report(f, "p", 2023, P)


def test_first_home_exception_capped_at_10000_lifetime():
    # §72(t)(8)(B): $10,000 lifetime; the whole qualifying distribution counts (RULES.md s.0).
    f = facts(
        "1985-01-01",
        ("roth_conversion", dict(date="2020-03-01", amount="20000", taxable="20000")),
        ("roth_distribution", dict(date="2021-05-01", amount="6000", exception="first_home")),
        ("roth_distribution", dict(date="2022-05-01", amount="6000", exception="09")),
    )
    assert withdrawals_report(f, "p", 2021, P)["additional_tax"] == "0.00"
    r = withdrawals_report(f, "p", 2022, P)  # code 09 = first home in the 2022 numbering
    assert r["form5329"] == {"1": "6000.00", "2": "4000.00", "3": "2000.00", "4": "200.00"}


def test_disability_excepts_recapture_before_five_years():
    # §72(t)(2)(A)(iii) applies to recapture amounts (Reg. 1.408A-6 A-5(b)); code 03.
    f = facts(
        "1985-01-01",
        ("roth_conversion", dict(date="2020-03-01", amount="10000", taxable="10000")),
        ("person_disabled", dict(date="2021-06-01")),
        ("roth_distribution", dict(date="2022-05-01", amount="10000")),
    )
    r = withdrawals_report(f, "p", 2022, P)
    assert r["form5329"] == {"1": "10000.00", "2": "10000.00", "3": "0.00", "4": "0.00"}
    assert r["distributions"][0]["exception"] == "disability"
    assert r["exceptions"] == [{"kind": "disability", "code": "03", "amount": "10000.00"}]


def test_disaster_share_of_line_25a():
    # Instructions for Form 8606 (2006) hurricane example: 25a $20,000 x $10,000/$40,000 = $5,000.
    f = facts(
        "1960-01-01",
        *[
            ("roth_contribution", dict(tax_year=y, date=f"{y}-03-01", amount="4000"))
            for y in range(2000, 2005)
        ],
        ("roth_distribution", dict(date="2006-03-01", amount="30000")),
        ("roth_distribution", dict(date="2006-04-01", amount="10000", disaster=True)),
    )
    r = withdrawals_report(f, "p", 2006, P)
    assert r["form8606"]["22"] == "20000.00"
    assert (r["form8606"]["25a"], r["form8606"]["25b"], r["form8606"]["25c"]) == (
        "20000.00",
        "5000.00",
        "15000.00",
    )


def test_returned_contribution_is_treated_as_never_made():
    # Reg. 1.408A-6 A-1(d): returned with its net income by the due date -> never made; the
    # income is taxable; it does not start the 5-year clock.
    f = facts(
        "1985-01-01",
        ("roth_contribution", dict(tax_year=2021, date="2021-03-01", amount="6000")),
        (
            "roth_contribution_return",
            dict(tax_year=2021, date="2022-03-01", amount="6000", earnings="500"),
        ),
    )
    b = basis_report(f, "p", date(2022, 12, 31), P)
    assert b["regular_contribution_basis"] == "0.00"
    assert b["qualified_clock_starts"] is None
    assert (
        year_report(f, "p", 2021, P)["taxable_income"]["returned_contribution_earnings"] == "500.00"
    )


def test_qualified_distribution_still_uses_up_basis():
    # Reg. 1.408A-6 A-4: prior distributions count "whether or not qualified" (RULES.md s.0).
    f = facts(
        "1950-01-01",
        ("roth_contribution", dict(tax_year=2010, date="2010-03-01", amount="5000")),
        ("roth_distribution", dict(date="2016-03-01", amount="3000")),
    )
    r = withdrawals_report(f, "p", 2016, P)
    assert r["qualified"] is True and r["form8606"] == {}
    assert basis_report(f, "p", date(2016, 12, 31), P)["regular_contribution_basis"] == "2000.00"


def test_conversions_of_one_year_form_one_layer_taxable_first():
    # Reg. 1.408A-6 A-9: conversions received in one year are aggregated; taxable part first.
    f = facts(
        "1985-01-01",
        ("roth_conversion", dict(date="2020-02-01", amount="5000", taxable="3000")),
        ("roth_conversion", dict(date="2020-09-01", amount="5000", taxable="2000")),
        ("roth_distribution", dict(date="2021-05-01", amount="6000")),
    )
    r = withdrawals_report(f, "p", 2021, P)
    taxable = sum(Decimal(d["amount"]) for d in r["draws"] if d["portion"] == "taxable")
    assert taxable == Decimal("5000") and r["additional_tax"] == "500.00"


def test_cross_year_conversion_income_year_and_clock_year():
    # Reg. 1.408A-4 A-7 and 1.408A-6 A-5(c): out of the traditional IRA 2018-12-20 (2018
    # income), into the Roth IRA 2019-01-10 (2019 layer; recapture clock 2019-2023).
    f = facts(
        "1985-01-01",
        (
            "roth_conversion",
            dict(date="2019-01-10", distributed_on="2018-12-20", amount="8000", taxable="8000"),
        ),
        ("roth_distribution", dict(date="2023-06-01", amount="1000")),
    )
    y18 = year_report(f, "p", 2018, P)
    assert y18["taxable_income"]["conversions"] == "8000.00" and y18["roth_layers_added"] == []
    assert year_report(f, "p", 2019, P)["roth_layers_added"][0]["clock_ends"] == "2023-12-31"
    assert withdrawals_report(f, "p", 2023, P)["additional_tax"] == "100.00"


def test_voided_distribution_is_ignored():
    f = facts(
        "1985-01-01",
        ("roth_conversion", dict(date="2019-01-10", amount="8000", taxable="8000")),
        ("roth_distribution", dict(id="d1", date="2020-06-01", amount="1000")),
        ("void", dict(target="d1", reason="typo")),
        ("roth_distribution", dict(date="2020-06-01", amount="100")),
    )
    assert withdrawals_report(f, "p", 2020, P)["additional_tax"] == "10.00"


def test_earnings_early_are_taxable_and_penalised():
    # Reg. 1.408A-6 A-8: earnings last; taxable on 8606 line 25c and on 5329 line 1.
    f = facts(
        "1985-01-01",
        ("roth_contribution", dict(tax_year=2020, date="2020-03-01", amount="6000")),
        ("roth_distribution", dict(date="2021-05-01", amount="7000")),
    )
    r = withdrawals_report(f, "p", 2021, P)
    assert r["taxable_amount"] == "1000.00" and r["additional_tax"] == "100.00"
    assert r["form8606"]["25c"] == "1000.00"


def test_a_data_year_changes_the_report_with_no_code_change(tmp_path):
    # Issue 9 item 2: the exception law is the data file alone. A fixture copy of
    # ledger/data that confirms a 2026 numbering (the 2025 one, with first home renumbered
    # 31 to prove where the number comes from) and a 2027 domestic-abuse cap of $10,800.
    import shutil
    from pathlib import Path

    import yaml

    from ledger import yearly

    data = tmp_path / "data"
    shutil.copytree(Path(yearly.__file__).parent / "data", data)
    codes = yaml.safe_load((data / "exception_codes.yaml").read_text(encoding="utf-8"))
    year2025 = next(e for e in codes["numbering"] if e["years"] == [2025, 2025])
    fixture = {**year2025, "years": [2026, 2027], "source": "test fixture"}
    fixture["codes"] = {("31" if k == "09" else k): v for k, v in year2025["codes"].items()}
    codes["numbering"].append(fixture)
    codes["kinds"]["domestic_abuse"]["cap"]["amount_by_year"][2027] = 10800
    (data / "exception_codes.yaml").write_text(yaml.safe_dump(codes), encoding="utf-8")

    f = facts(
        "1980-01-01",
        ("roth_contribution", dict(tax_year=2015, date="2015-03-01", amount="5000")),
        ("roth_distribution", dict(date="2026-05-01", amount="3000", exception="first_home")),
        ("roth_conversion", dict(date="2025-03-01", amount="20000", taxable="20000")),
        ("roth_distribution", dict(date="2027-05-01", amount="12000", exception="domestic_abuse")),
    )
    before = withdrawals_report(f, "p", 2026, P)  # 2026 not on file: 09 printed, to check
    assert before["exceptions"][0]["code"] == "09"
    assert any("not confirmed" in w and "check" in w for w in before["warnings"])
    import pytest

    from ledger.errors import MissingFact

    with pytest.raises(MissingFact, match="no 2027 cap"):
        withdrawals_report(f, "p", 2027, P)
    yearly.use_data_dir(data)
    try:
        after = withdrawals_report(f, "p", 2026, P)
        assert after["exceptions"][0]["code"] == "31"
        assert not any("not confirmed" in w for w in after["warnings"])
        y27 = withdrawals_report(f, "p", 2027, P)
        # $12,000 early, $2,000 regular basis left, then the 2025 conversion (in its
        # window): $10,000 recapture; the $10,800 cap covers it all
        assert y27["form5329"]["2"] == y27["form5329"]["1"] == "10000.00"
        assert y27["exceptions"][0]["code"] == "22"
    finally:
        yearly.use_data_dir(None)
    assert withdrawals_report(f, "p", 2026, P)["exceptions"][0]["code"] == "09"


def test_a_stored_inapplicable_code_is_refused_by_the_report():
    # a ledger recorded before the check: the report refuses rather than waive the 10%
    import pytest

    from ledger.rules.exceptions import ExceptionRefused

    f = facts(
        "1985-01-01",
        ("roth_conversion", dict(date="2020-03-01", amount="20000", taxable="20000")),
        ("roth_distribution", dict(date="2021-05-01", amount="6000", exception="01")),
    )
    with pytest.raises(ExceptionRefused, match="exception 01 .* 2021"):
        withdrawals_report(f, "p", 2021, P)


def test_corrective_income_before_2023_is_on_form5329():
    # Reg. 1.408A-6 A-1(d); I5329 (1999): the $500 of income returned on 2022-03-01 with a
    # 2021 contribution, owner 37: Form 5329 (2021) line 1 $500, tax $50.
    f = facts(
        "1985-01-01",
        ("roth_contribution", dict(tax_year=2021, date="2021-03-01", amount="6000")),
        (
            "roth_contribution_return",
            dict(tax_year=2021, date="2022-03-01", amount="6000", earnings="500"),
        ),
    )
    from ledger.reports.build import form5329_report

    r = form5329_report(f, "p", 2021, P)
    assert r["part1"] == {"1": "500.00", "2": "0.00", "3": "500.00", "4": "50.00"}
    assert r["additional_tax"] == "50.00"


def test_disaster_year_under_59_and_a_half_in_either_order():
    # Instructions for Form 8606 (2006) example (25a $20,000, 25b $5,000, 25c $15,000) for
    # an owner of 46: Form 5329 line 1 is the $15,000 of 25c, whichever came first.
    def report(disaster_first):
        dates = ("2006-03-01", "2006-09-01")
        d_date, o_date = dates if disaster_first else dates[::-1]
        f = facts(
            "1960-01-01",
            *[
                ("roth_contribution", dict(tax_year=y, date=f"{y}-03-01", amount="4000"))
                for y in range(2000, 2005)
            ],
            ("roth_distribution", dict(date=o_date, amount="30000")),
            ("roth_distribution", dict(date=d_date, amount="10000", disaster=True)),
        )
        return withdrawals_report(f, "p", 2006, P)

    for r in (report(True), report(False)):
        assert r["form8606"]["25c"] == "15000.00"
        assert r["form5329"] == {"1": "15000.00", "2": "0.00", "3": "15000.00", "4": "1500.00"}
        assert r["taxable_amount"] == "15000.00" and r["additional_tax"] == "1500.00"


def test_first_home_above_the_cap_is_split_not_refused():
    # §72(t)(8)(B): $6,000 used in 2021 leaves $4,000; the 2022 $9,000 first-home
    # distribution (5-year period met: contributions since 2015) is $4,000 on line 20 and a
    # $5,000 ordinary nonqualified distribution. Basis $30,000 covers both years: nothing
    # taxable; Form 5329 line 1 = line 2 = $4,000.
    f = facts(
        "1985-01-01",
        ("roth_contribution", dict(tax_year=2015, date="2015-03-01", amount="30000")),
        ("roth_distribution", dict(date="2021-05-01", amount="6000", exception="first_home")),
        ("roth_distribution", dict(date="2022-05-01", amount="9000", exception="first_home")),
    )
    r = withdrawals_report(f, "p", 2022, P)
    assert (r["form8606"]["19"], r["form8606"]["20"], r["form8606"]["21"]) == (
        "9000.00",
        "4000.00",
        "5000.00",
    )
    assert r["form8606"]["23"] == "0.00" and r["taxable_amount"] == "0.00"
    assert r["form5329"] == {"1": "4000.00", "2": "4000.00", "3": "0.00", "4": "0.00"}
    assert r["exceptions"] == [{"kind": "first_home", "code": "09", "amount": "4000.00"}]


def test_first_home_at_59_and_a_half_is_qualified_by_age_not_on_line_19():
    # §408A(d)(2)(A)(i): qualified by age; Form 8606 line 19 leaves qualified
    # distributions out, and the $10,000 first-home amount is not used (§72(t)(8)).
    f = facts(
        "1950-01-01",
        ("roth_contribution", dict(tax_year=2010, date="2010-03-01", amount="5000")),
        ("roth_distribution", dict(date="2016-03-01", amount="3000", exception="first_home")),
    )
    r = withdrawals_report(f, "p", 2016, P)
    assert r["qualified"] is True and r["form8606"] == {} and r["form5329"] == {}
