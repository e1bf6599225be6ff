"""Form 8606 lines 11-14 never recover more basis than exists (issue 9 item 7).

Instructions for Form 8606: line 10 = line 5 / line 9 "rounded to at least 3 places"
(1.000 at most); line 11 = line 8 x line 10; line 12 = line 7 x line 10; line 13 = 11 + 12
("the nontaxable portion of all your distributions"); line 14 = line 3 - line 13, the basis
carried forward, which "can never be negative" (irahelp.com forum post 35631, the reply to
a backdoor conversion of $6,501 on a $6,500 basis whose 3-place ratio 1.000 gave -1).
A rounded-up line 10, or two lines each rounded up half a cent, would put line 13 above
line 5; the rule limits lines 11 and 12 to line 5 and says so.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.money import CENTS, WHOLE_DOLLARS
from ledger.rules.ira_pro_rata import ConversionIn, IraYearIn, form8606_ira

from .test_ira_pro_rata import year as base_year

D = Decimal


def year(line1="0", ye="0", dist="0", convs=()):
    """Form 8606 inputs: line 1, line 6, line 7 and the line-8 conversions (none given)."""
    return base_year(line1, ye=ye, dist=dist, convs=[(a, None) for a in convs])


def test_irahelp_35631_three_place_ratio_rounds_up_to_one():
    # $6,500 nondeductible, $6,501 converted, $0 at Dec 31: 6,500 / 6,501 = 0.99985 -> 1.000
    out = form8606_ira(year("6500", convs=["6501"]), "3")
    p1 = out.part1
    assert (p1["10"], p1["11"], p1["13"], p1["14"]) == ("1.000", D("6500"), D("6500"), D("0"))
    assert out.part2 == {"16": D("6501"), "17": D("6500"), "18": D("1")}
    assert out.conversions["c0"] == (D("1"), D("6500"))
    [warning] = out.warnings
    assert warning == (
        "2024: Form 8606 lines 11 + 12 came to 6,501.00, more than the basis on line 5 "
        "(6,500.00), because line 10 is rounded up to 1.000 from line 5 6,500.00 / line 9 "
        "6,501.00 = 0.99984618; lines 11 and 12 are limited to line 5 (line 11 6,500.00, "
        "line 12 0.00), so line 13 is 6,500.00 and line 14 is not negative"
    )
    # with the exact ratio the same $1 is taxable and nothing needed limiting
    exact = form8606_ira(year("6500", convs=["6501"]), "exact")
    assert exact.part2["18"] == D("1.00") and exact.warnings == ()


def test_rounded_ratio_shared_by_a_distribution_and_a_conversion():
    # basis 6,000; 500.25 distributed and 5,500.50 converted, nothing left: line 9 6,000.75,
    # 0.99988 -> 1.000 would make line 13 6,000.75. Limited to 6,000.00, shared 8 : 7.
    out = form8606_ira(year("6000", dist="500.25", convs=["5500.50"]), "3")
    p1 = out.part1
    assert p1["11"] + p1["12"] == p1["13"] == D("6000.00")
    assert p1["11"] == D("5499.81")  # 6,000 x 5,500.50 / 6,000.75
    assert p1["14"] == D("0") and p1["15c"] == D("500.25") - p1["12"]


def test_exact_ratio_two_half_cents_do_not_make_a_cent_of_basis():
    # line 5 1.01 over line 9 2.00 (1.00 distributed, 1.00 converted, 0 left): each line is
    # 0.505, rounded half up 0.51 + 0.51 = 1.02, a cent above line 5.
    out = form8606_ira(year("1.01", dist="1", convs=["1"]), "exact")
    assert out.part1["13"] == D("1.01") and out.part1["14"] == D("0")
    assert (out.part1["11"], out.part1["12"]) == (D("0.51"), D("0.50"))
    assert "rounded up to cents" in out.warnings[0]


def test_no_warning_when_the_ratio_leaves_basis():
    # Seed 004 backdoor (RULES.md (k)): 0.123 x 7,000 = 861 of a 7,000 basis, no limit needed
    out = form8606_ira(year("7000", ye="50000", convs=["7000"]), "3")
    assert out.part1["11"] == D("861.00") and out.warnings == ()


cents = st.integers(min_value=0, max_value=2_000_000).map(lambda c: D(c).scaleb(-2))


@settings(max_examples=300, deadline=None)
@given(
    line1=cents,
    prior=cents,
    ye=cents,
    dist=cents,
    convs=st.lists(cents, max_size=3),
    precision=st.sampled_from(["exact", "3"]),
    whole=st.booleans(),
)
def test_lines_11_and_12_never_exceed_the_basis(line1, prior, ye, dist, convs, precision, whole):
    rounding = WHOLE_DOLLARS if whole else CENTS
    inp = IraYearIn(
        "p",
        2024,
        line1,
        D(0),
        prior,
        ye,
        dist,
        tuple(ConversionIn(f"c{i}", a, None) for i, a in enumerate(convs)),
    )
    out = form8606_ira(inp, precision, rounding)
    if out.part1 is None or "11" not in out.part1:
        return
    p1 = out.part1
    assert p1["11"] + p1["12"] == p1["13"] <= p1["5"]
    assert p1["14"] == p1["3"] - p1["13"] >= 0
    assert sum((n for _, n in out.conversions.values()), D(0)) == p1["11"]
    # the limit only ever takes away what rounding added: at most line 10's rounding
    # (0.0005 of lines 7 + 8) plus a rounding unit on each of lines 11 and 12
    unit = D(1) if whole else D("0.01")
    if precision == "exact":
        slack = 2 * unit
    else:
        slack = (p1["7"] + p1["8"]) * D("0.0005") + 2 * unit
    if p1.get("9"):
        share = min(p1["5"] / p1["9"], D(1)) * (p1["7"] + p1["8"])
        assert p1["13"] >= share - slack
    if whole:
        assert all(v == v.to_integral_value() for k, v in p1.items() if k != "10")
