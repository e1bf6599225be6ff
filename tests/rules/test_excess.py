"""Excess contributions (IRC §4973; Form 5329 Parts III-IV) and the Roth MAGI phase-out
(§408A(c)(3); Pub 590-A Worksheet 2-2), called directly on the rules."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ledger import yearly
from ledger.rules.excess import ExcessIn, YearLimits, current_excess, excess_year
from ledger.rules.roth_eligibility import phased_limit, year_limits

D = Decimal
Z = D(0)


def _in(limits, trad=Z, roth=Z, ct=Z, cr=Z, td=Z, rd=Z, emptied=False, iv=None, rv=None):
    return ExcessIn(2024, limits, trad, roth, ct, cr, td, rd, emptied, iv, rv)


def test_pub590a_2023_reduced_roth_limit_example():
    # Pub 590-A (2023) Example: single, 45, compensation 113,000, MAGI 143,000: $4,340.
    threshold, width = yearly.roth_phaseout(2023, "single", True)
    assert (threshold, width) == (D(138000), D(15000))  # Pub 590-A 2023 Table 2-1
    lim = year_limits(yearly.ira_limit(2023, 45), D(113000), Z, None, D(143000), (threshold, width))
    assert lim.roth == D(4340) and lim.roth_basis == "income"


def test_worksheet_walkthrough_2009_and_2010():
    # 2009: single, 44, MAGI 110,000: 0.333 x 5,000 = 1,665 -> 3,335 -> $3,340 (a
    # published walk-through of Worksheet 2-2); 2010: MAGI 106,500 -> 0.1 -> $4,500.
    assert phased_limit(D(5000), D(110000), *yearly.roth_phaseout(2009, "single", True)) == 3340
    assert phased_limit(D(5000), D(106500), *yearly.roth_phaseout(2010, "single", True)) == 4500


def test_phaseout_edges_and_200_floor():
    # §219(g)(2)(B): more than zero but under $200 -> $200; at the top of the range: zero.
    t, w = yearly.roth_phaseout(2024, "married_filing_jointly", True)
    assert (t, w) == (D(230000), D(10000))  # IRS "Amount of Roth IRA contributions ... 2024"
    assert phased_limit(D(7000), D(239900), t, w) == 200  # 7,000 x 0.010 = 70 -> 200
    assert phased_limit(D(7000), D(240000), t, w) == 0
    assert phased_limit(D(7000), D(230000), t, w) == 7000
    # married filing separately, lived with the spouse: 0 - 10,000
    assert yearly.roth_phaseout(2024, "married_filing_separately", True) == (0, 10000)
    assert yearly.roth_phaseout(2024, "married_filing_separately", False)[0] == 146000


def test_both_kinds_over_the_limit_roth_dollars_are_the_excess():
    # §408A(c)(2): the Roth limit is the limit less the traditional contributions.
    # 2024, under 50: 4,000 traditional + 4,000 Roth = 8,000 > 7,000 -> Roth excess 1,000.
    lim = year_limits(D(7000), None, D(4000))
    assert current_excess(lim, D(4000), D(4000)) == (Z, D(1000))


def test_compensation_caps_the_limit():
    # §219(b)(1)(B): at most the compensation: 3,000 earned, 5,000 contributed -> 2,000.
    lim = year_limits(D(7000), D(3000), D(5000))
    assert current_excess(lim, D(5000), Z) == (D(2000), Z)


def test_6_percent_of_the_smaller_of_excess_and_value():
    # Form 5329 line 25: 6% of the smaller of line 24 and the Dec 31 value.
    lim = YearLimits(D(7000), Z, "stated")
    out = excess_year(_in(lim, roth=D(7000), rv=D(5000)))
    assert (out.roth.current, out.roth.total, out.roth.tax) == (D(7000), D(7000), D("300.00"))
    out = excess_year(_in(lim, roth=D(7000)))  # no value recorded: 6% of the excess
    assert out.roth.tax == D("420.00") and out.roth.value_missing


def test_absorbed_by_a_later_years_unused_limit():
    # Form 5329 lines 18-22: 2,000 carried; contribute 6,000 of a 7,000 limit: line 19
    # 1,000, line 22 1,000 left, 6% = 60.
    lim = YearLimits(D(7000), D(7000), "assumed")
    out = excess_year(_in(lim, roth=D(6000), cr=D(2000), rv=D(50000)))
    r = out.roth
    assert (r.unused_limit, r.absorbed, r.carried_left, r.total, r.tax) == (
        D(1000),
        D(1000),
        D(1000),
        D(1000),
        D("60.00"),
    )
    assert out.roth_absorbed == D(1000)
    # the next year contributes nothing: the whole 1,000 is absorbed
    out = excess_year(_in(lim, cr=r.carries, rv=D(50000)))
    assert (out.roth.total, out.roth.tax) == (Z, Z)


def test_traditional_carry_absorbed_and_distributed():
    # Form 5329 lines 9-16: 1,500 carried, 6,000 of 7,000 contributed (line 10: 1,000),
    # 200 of taxable distributions (line 11): line 14 = 300.
    lim = YearLimits(D(7000), D(1000), "assumed")
    out = excess_year(_in(lim, trad=D(6000), ct=D(1500), td=D(200), iv=D(90000)))
    t = out.traditional
    assert (t.unused_limit, t.distributions, t.absorbed, t.carried_left) == (
        D(1000),
        D(200),
        D(1200),
        D(300),
    )
    assert (t.total, t.tax) == (D(300), D("18.00"))


def test_line_12_prior_year_excess_withdrawn():
    # Form 5329 lines 9-14 with line 12 (§408(d)(5)): 1,500 carried, line 10 = 1,000, line
    # 11 = 200, 400 withdrawn as last year's excess: line 13 = 1,600, line 14 = 0; a line 12
    # is at most line 9.
    lim = YearLimits(D(7000), D(1000), "assumed")
    base = _in(lim, trad=D(6000), ct=D(1500), td=D(200), iv=D(90000))
    t = excess_year(dataclasses.replace(base, prior_excess_withdrawn=D(400))).traditional
    assert (t.prior_distributed, t.absorbed, t.carried_left, t.tax) == (
        D(400),
        D(1600),
        D(0),
        D("0.00"),
    )
    t = excess_year(dataclasses.replace(base, prior_excess_withdrawn=D(5000))).traditional
    assert t.prior_distributed == D(1500)


def test_no_carry_when_the_tax_was_zero():
    # Form 5329 line 18: last year's line 24 only if last year's line 25 was more than 0.
    lim = YearLimits(D(7000), Z, "stated")
    out = excess_year(_in(lim, roth=D(1000), rv=Z))
    assert out.roth.total == D(1000) and out.roth.tax == 0 and out.roth.carries == 0


money = st.decimals(min_value=0, max_value=20000, places=2)


@given(money, money, money, money, money, money, st.one_of(st.none(), money))
def test_invariants(trad, roth, ct, cr, td, rd, value):
    lim = year_limits(D(7000), None, trad)
    out = excess_year(_in(lim, trad, roth, ct, cr, td, rd, False, value, value))
    for part, carried in ((out.traditional, ct), (out.roth, cr)):
        assert part.total >= 0 and part.carried_left <= carried
        assert part.tax <= (part.total * D("0.06")).quantize(D("0.01")) + D("0.01")
        if value is not None:
            assert part.tax <= (value * D("0.06")).quantize(D("0.01")) + D("0.01")
    # never both: traditional + Roth contributions within the limit -> no excess
    if trad + roth <= 7000 and ct == 0 and cr == 0:
        assert out.traditional.total == 0 and out.roth.total == 0
