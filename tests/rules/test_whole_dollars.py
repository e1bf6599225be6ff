"""Whole-dollar forms (issue 9 item 9): ``Policy(whole_dollars=True)`` fills Form 8606 and
Form 5329 as a preparer files them. The rounding rule is the one every IRS form allows
("you can round off cents to whole dollars": under 50 cents down, 50 cents and up to the
next dollar); each line is computed from the rounded lines before it (Form 8606 line 13 =
11 + 12, line 14 = 3 - 13, line 21 = 19 - 20, ...; Form 5329 line 3 = 1 - 2, line 4 = 10%
of line 3) and rounded once. The IRS's own sample (Pub 590-B, Bill King's Form 8606:
basis 2,000, 600 distributed, 1,800 at year end, line 10 .833) enters line 12 as 500, not
600 x .833 = 499.80. The ledger and the default reports keep cents.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.reports.build import form5329_report, form8606_report, withdrawals_report
from ledger.rules.policy import Policy

from .helpers import facts

WHOLE = Policy(whole_dollars=True)
WHOLE3 = Policy("3", whole_dollars=True)


def bill_king():
    # Pub 590-B (2015) sample Form 8606: the 2,000 basis as a 2014 nondeductible contribution
    return facts(
        "1960-01-01",
        (
            "ira_contribution",
            dict(tax_year=2014, date="2014-06-01", amount="2000", deductible=False),
        ),
        ("ira_distribution", dict(date="2015-07-01", amount="600")),
        ("ira_year_end_value", dict(year=2015, value="1800")),
    )


def test_pub_590_b_bill_king_line_12_is_500_in_whole_dollars():
    part1 = form8606_report(bill_king(), "p", 2015, WHOLE3)["part1"]
    assert (part1["10"], part1["12"], part1["13"], part1["14"], part1["15c"]) == (
        "0.833",
        "500.00",
        "500.00",
        "1500.00",
        "100.00",
    )
    cents = form8606_report(bill_king(), "p", 2015, Policy("3"))["part1"]
    assert (cents["12"], cents["14"]) == ("499.80", "1500.20")  # 600 x .833, to the cent


def early():
    """Under 59½: 5,000.40 of regular contributions, a 2018 conversion of 2,000.30 (all
    taxable, still in its 5 years in 2020), then 7,500.90 distributed in 2020."""
    return facts(
        "1985-01-01",
        ("roth_conversion", dict(date="2018-03-01", amount="2000.30", taxable="2000.30")),
        ("roth_contribution", dict(tax_year=2020, date="2020-02-01", amount="5000.40")),
        ("roth_distribution", dict(date="2020-11-08", amount="7500.90")),
    )


def test_part_iii_and_form_5329_each_line_from_the_rounded_lines_before_it():
    # cents: 19 = 7,500.90, 22 = 5,000.40, 23 = 2,500.50, 24 = 2,000.30, 25 = 500.20;
    # 5329: line 1 = 500.20 earnings + 2,000.30 recaptured = 2,500.50, line 4 = 250.05.
    r = withdrawals_report(early(), "p", 2020, Policy())
    assert r["form8606"]["25c"] == "500.20" and r["form5329"]["4"] == "250.05"
    # whole dollars: 19 = 7,501; 21 = 7,501; 22 = 5,000; 23 = 7,501 - 5,000 = 2,501;
    # 24 = 2,000; 25a = 501 (not 500.20 rounded to 500); 5329 line 1 = 2,501 (2,500.50
    # rounded up), line 3 = 2,501, line 4 = 250 (250.10 rounded down).
    w = withdrawals_report(early(), "p", 2020, WHOLE)
    assert w["form8606"] == {
        "19": "7501.00",
        "20": "0.00",
        "21": "7501.00",
        "22": "5000.00",
        "23": "2501.00",
        "24": "2000.00",
        "25a": "501.00",
        "25b": "0.00",
        "25c": "501.00",
    }
    assert w["form5329"] == {"1": "2501.00", "2": "0.00", "3": "2501.00", "4": "250.00"}
    assert (w["taxable_amount"], w["additional_tax"]) == ("501.00", "250.00")
    assert w["policy"]["whole_dollars"] is True
    # the ledger's attribution keeps cents: the draws still add up to the distribution
    assert sum(Decimal(d["amount"]) for d in w["draws"]) == Decimal("7500.90")
    f5329 = form5329_report(early(), "p", 2020, WHOLE)
    assert (f5329["3"], f5329["4"], f5329["additional_tax"]) == ("2501.00", "250.00", "250.00")
    assert form8606_report(early(), "p", 2020, WHOLE)["part3"]["25c"] == "501.00"


amounts = st.integers(min_value=1, max_value=2_000_000).map(lambda c: Decimal(c).scaleb(-2))


@settings(max_examples=40, deadline=None)
@given(contribution=amounts, conversion=amounts, distribution=amounts)
def test_whole_dollar_lines_are_whole_and_follow_the_forms_arithmetic(
    contribution, conversion, distribution
):
    f = facts(
        "1985-01-01",
        ("roth_conversion", dict(date="2018-03-01", amount=conversion, taxable=conversion)),
        ("roth_contribution", dict(tax_year=2020, date="2020-02-01", amount=contribution)),
        ("roth_distribution", dict(date="2020-11-08", amount=distribution)),
    )
    w = withdrawals_report(f, "p", 2020, WHOLE)
    lines = {k: Decimal(v) for k, v in w["form8606"].items()}
    assert all(v == v.to_integral_value() for v in lines.values())
    assert lines["19"] == Decimal(distribution).quantize(Decimal(1), "ROUND_HALF_UP")
    assert lines["21"] == lines["19"] - lines["20"]
    if "23" in lines:
        assert lines["23"] == max(lines["21"] - lines["22"], 0)
    if "25a" in lines:
        assert lines["25a"] == max(lines["23"] - lines["24"], 0)
        assert lines["25c"] == lines["25a"] - lines["25b"]
    p1 = {k: Decimal(v) for k, v in w["form5329"].items()}
    if p1:
        assert p1["3"] == p1["1"] - p1["2"]
        assert p1["4"] == (p1["3"] / 10).quantize(Decimal(1), "ROUND_HALF_UP")
    cents = withdrawals_report(f, "p", 2020, Policy())
    assert abs(Decimal(cents["taxable_amount"]) - Decimal(w["taxable_amount"])) <= 3
