"""Form 8606 Parts I-II (IRC §408(d)(2); Instructions for Form 8606 line 10)."""

from decimal import Decimal
from typing import Any

import pytest

from ledger.errors import MissingFact
from ledger.rules.ira_pro_rata import ConversionIn, IraYearIn
from ledger.rules.ira_pro_rata import form8606_ira as _form8606_ira


def form8606_ira(inp: IraYearIn, precision: str) -> Any:
    """The rule, typed loosely: each test indexes the form parts it expects filled."""
    return _form8606_ira(inp, precision)


D = Decimal


def year(line1="0", line4="0", prior="0", ye=None, dist="0", convs=()):
    return IraYearIn(
        "p",
        2024,
        D(line1),
        D(line4),
        D(prior),
        None if ye is None else D(ye),
        D(dist),
        tuple(
            ConversionIn(f"c{i}", D(a), None if t is None else D(t))
            for i, (a, t) in enumerate(convs)
        ),
    )


def test_seed_004_backdoor_with_pretax_ira_exact_ratio():
    # Seed 004 (Astra 2025): $7,000 nondeductible, $50,000 pretax at year end, convert $7,000
    # -> "$860 tax-free / $6,140 taxable"; exact 7000*7000/57000 = 859.65.
    out = form8606_ira(year("7000", ye="50000", convs=[("7000", None)]), "exact")
    assert out.part1["9"] == D("57000.00")
    assert out.part1["11"] == D("859.65")
    assert out.part2 == {"16": D("7000"), "17": D("859.65"), "18": D("6140.35")}
    assert out.basis_carried == D("6140.35")


def test_seed_004_backdoor_three_decimal_line_10():
    # Form 8606 line 10 "rounded to at least 3 places": 0.1228 -> 0.123; 7000 x 0.123 = 861.
    out = form8606_ira(year("7000", ye="50000", convs=[("7000", None)]), "3")
    assert out.part1["10"] == "0.123"
    assert out.part1["11"] == D("861.00")
    assert out.part2["18"] == D("6139.00")


def test_seed_i_2018_backdoor_with_nothing_left_at_year_end():
    # Seed 004 history: $5,000 nondeductible, $6,000 converted, $0 at Dec 31 -> $1,000 taxable.
    out = form8606_ira(year("5000", ye="0", convs=[("6000", None)]), "exact")
    assert (out.part1["11"], out.part1["14"], out.part2["18"]) == (
        D("5000.00"),
        D("0.00"),
        D("1000.00"),
    )
    out3 = form8606_ira(year("5000", ye="0", convs=[("6000", None)]), "3")
    assert out3.part2["18"] == D("1002.00")  # 0.833 x 6000 = 4998 nontaxable (RULES.md (k))


def test_loss_caps_ratio_at_one_and_keeps_basis():
    # Instructions for Form 8606 line 10: "If the result is 1.000 or more, enter 1.000".
    out = form8606_ira(year(prior="10000", ye="5000", convs=[("3000", None)]), "exact")
    assert out.part1["10"] == "1.000"
    assert out.conversions["c0"] == (D("0"), D("3000"))
    assert out.basis_carried == D("7000")


def test_contributions_made_next_year_are_left_out_of_the_ratio():
    # Line 4: a contribution for this year made Jan 1-Apr 15 next year is not basis for
    # this year's conversion (line 5 = 3 - 4) but is carried on line 14.
    out = form8606_ira(
        year("7000", line4="7000", prior="0", ye="0", convs=[("1000", None)]), "exact"
    )
    assert out.part1["5"] == D("0")
    assert out.part2["18"] == D("1000")
    assert out.basis_carried == D("7000")


def test_distribution_and_conversion_share_one_ratio():
    # IRC §408(d)(2): all distributions of the year are one; basis 2,000 over 6+7+8 = 20,000.
    out = form8606_ira(year(prior="2000", ye="10000", dist="5000", convs=[("5000", None)]), "exact")
    assert out.part1["11"] == D("500.00") and out.part1["12"] == D("500.00")
    assert out.part1["15c"] == D("4500.00")
    assert out.basis_carried == D("1000.00")


def test_given_taxable_is_kept():
    out = form8606_ira(year(convs=[("15000", "15000")]), "exact")
    assert out.part1 is None
    assert out.part2 == {"16": D("15000"), "17": D("0"), "18": D("15000")}


def test_missing_year_end_value_is_said_not_guessed():
    with pytest.raises(MissingFact, match="ira_year_end_value"):
        form8606_ira(year("7000", convs=[("7000", None)]), "exact")


def test_no_activity_carries_line_3_to_line_14():
    out = form8606_ira(year("6000", prior="1000"), "exact")
    assert out.part1 == {"1": D("6000"), "2": D("1000"), "3": D("7000"), "14": D("7000")}
