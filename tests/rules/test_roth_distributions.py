"""The withdrawal rule called directly: plain values in, figures with their trace out.

Each expected number cites its source (form instructions, Pub examples, the statute) or
is worked by hand in the comment from the rule stated in RULES.md.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import yearly
from ledger.rules import exceptions as exc
from ledger.rules.roth_distributions import (
    BasisBefore,
    CorrectiveReturn,
    Owner,
    RuleFailed,
    Slot,
    Withdrawal,
    roth_year,
)

D = Decimal
YOUNG = date(2040, 1, 1)  # 59½ far after every distribution below: all are early


def owner(clock_start=2012, age59=YOUNG, **kw) -> Owner:
    return Owner(age59, clock_start, ("c1",), **kw)


def regular(amount, ids=("r1",)) -> Slot:
    return Slot("regular_contributions", 2010, None, None, D(amount), ids, "A-8")


def conversion(year, portion, amount, ids) -> Slot:
    return Slot("conversion", year, portion, year, D(amount), ids, "A-8/A-9")


def earnings(amount) -> Slot:
    return Slot("earnings", None, None, None, D(amount), (), "A-8 earnings")


def law(year):
    return yearly.exception_law(year)


def test_i5329_recapture_example():
    # Instructions for Form 5329 (2016, 2017) recapture example: $4,000 regular, 2012
    # conversion $20,000 ($15,000 taxable), 2013 conversion $10,000 ($7,000 taxable), a
    # $33,000 distribution at 53 in 2016: nothing taxable on Form 8606, $22,000 on Form 5329
    # line 1 (the two taxable parts, each still in its 5-year window).
    slots = [
        regular(4000),
        conversion(2012, "taxable", 15000, ("c12",)),
        conversion(2012, "nontaxable", 5000, ("c12",)),
        conversion(2013, "taxable", 7000, ("c13",)),
        conversion(2013, "nontaxable", 2000, ("c13",)),
    ]
    basis = BasisBefore(D(4000), ("r1",), D(30000), ("c12", "c13"))
    y = roth_year(
        2016,
        owner(),
        [Withdrawal("d1", date(2016, 6, 1), D(33000))],
        slots,
        basis,
        exc.CapUsage(),
        law(2016),
    )
    t = y.taxable
    assert (t.nonqualified_distributions.value, t.regular_contribution_basis.value) == (
        D(33000),
        D(4000),
    )
    assert (t.beyond_regular_basis.value, t.conversion_basis.value, t.earnings.value) == (
        D(29000),
        D(30000),
        D(0),
    )
    a = y.additional
    assert (a.early_includible.value, a.excepted.value, a.tax.value) == (D(22000), D(0), D(2200))
    # the trace: line 1 comes from the distribution and both conversions, under its rule
    assert {"d1", "c12", "c13"} <= set(a.early_includible.events)
    assert a.early_includible.rule == "early_includible" and "§408A(d)(3)(F)" in (
        a.early_includible.citation
    )
    assert "r1" in t.regular_contribution_basis.events
    assert "1.408A-10 A-3" in t.regular_contribution_basis.citation


def _disaster_year(order):
    # Instructions for Form 8606 (2006) hurricane example: $20,000 of regular contributions,
    # $30,000 + a $10,000 qualified disaster distribution -> 25a $20,000, 25b $20,000 x
    # $10,000 / $40,000 = $5,000, 25c $15,000. Owner under 59½: Form 5329 line 1 follows
    # 25c (line 25b's share is not on it: §72(t)(11); Form 8915-F) = $15,000, tax $1,500.
    ws = {
        "ordinary": Withdrawal("o", date(2006, 3, 1), D(30000)),
        "disaster": Withdrawal("h", date(2006, 9, 1), D(10000), disaster=True),
    }
    return roth_year(
        2006,
        owner(clock_start=2000),
        [ws[k] for k in order],
        [regular(20000), earnings(20000)],
        BasisBefore(D(20000), ("r1",), D(0), ()),
        exc.CapUsage(),
        law(2006),
    )


@pytest.mark.parametrize("order", [("ordinary", "disaster"), ("disaster", "ordinary")])
def test_disaster_year_form5329_line_1_follows_line_25c(order):
    y = _disaster_year(order)
    t, a = y.taxable, y.additional
    assert (t.earnings.value, t.disaster_earnings.value, t.taxable_earnings.value) == (
        D(20000),
        D(5000),
        D(15000),
    )
    assert a.early_includible.value == t.taxable_earnings.value == D(15000)
    assert a.tax.value == D(1500) and y.additional_tax == D(1500)


def test_disaster_year_with_the_disaster_distribution_dated_first():
    # the same year with the dates swapped: the year is one distribution (Reg. 1.408A-6
    # A-9), so which came first changes nothing
    ws = [
        Withdrawal("h", date(2006, 1, 5), D(10000), disaster=True),
        Withdrawal("o", date(2006, 12, 1), D(30000)),
    ]
    y = roth_year(
        2006,
        owner(clock_start=2000),
        ws,
        [regular(20000), earnings(20000)],
        BasisBefore(D(20000), ("r1",), D(0), ()),
        exc.CapUsage(),
        law(2006),
    )
    assert y.additional.early_includible.value == D(15000)


def test_first_home_above_the_remaining_lifetime_amount_is_split():
    # §72(t)(8)(B): $10,000 lifetime, $4,000 used in an earlier year -> $6,000 left. An
    # $8,000 qualified first-home distribution (5-year period met) is $6,000 on line 20
    # and a $2,000 ordinary nonqualified distribution (issue 9 item 8). Form 8606: line
    # 21 = 8,000 - 6,000 = 2,000; line 22 is the whole $20,000 regular basis (the first-home
    # part already came off on line 20, it is not taken from line 22 again); line 23 = 0:
    # nothing taxable; Form 5329
    # line 1 = line 2 = the $6,000 (Instructions for Form 5329: the first-home amount is
    # on line 1 and excepted with its number on line 2).
    used = exc.CapUsage().plus("first_home", None, D(4000))
    y = roth_year(
        2022,
        owner(clock_start=2015),
        [Withdrawal("d1", date(2022, 5, 1), D(8000), exception="first_home")],
        [regular(8000)],
        BasisBefore(D(20000), ("r1",), D(0), ()),
        used,
        law(2022),
    )
    t, a = y.taxable, y.additional
    assert (t.nonqualified_distributions.value, t.first_home_expenses.value) == (D(8000), D(6000))
    assert (t.after_first_home.value, t.regular_contribution_basis.value) == (D(2000), D(20000))
    assert t.beyond_regular_basis.value == 0 and t.earnings is None
    assert (a.early_includible.value, a.excepted.value, a.tax.value) == (D(6000), D(6000), 0)
    assert y.caps.of("first_home", None) == D(10000)
    assert any("ordinary nonqualified" in w for w in y.warnings)


def test_first_home_split_with_earnings():
    # $2,000 of regular basis, a $12,000 first-home distribution with the whole $10,000
    # left: $10,000 qualified, $2,000 nonqualified. Form 8606: line 19 = 12,000, line 20 =
    # 10,000, line 21 = 2,000, line 22 = the $2,000 basis, line 23 = 0: nothing taxable (the
    # form gives the nonqualified part the basis; the qualified part takes the earnings).
    # Form 5329: line 1 = the $10,000 first-home amount, line 2 = $10,000, tax 0.
    y = roth_year(
        2022,
        owner(clock_start=2015),
        [Withdrawal("d1", date(2022, 5, 1), D(12000), exception="first_home")],
        [regular(2000), earnings(10000)],
        BasisBefore(D(2000), ("r1",), D(0), ()),
        exc.CapUsage(),
        law(2022),
    )
    t, a = y.taxable, y.additional
    assert t.regular_contribution_basis.value == D(2000)
    assert t.beyond_regular_basis.value == 0 and y.taxable_amount == 0
    assert (a.early_includible.value, a.excepted.value) == (D(10000), D(10000))
    assert a.tax.value == 0
    (r,) = y.distributions
    assert sum(d.amount for d in r.draws) == D(12000)
    assert r.first_home_qualified == D(10000)
    assert sum(d.amount for d in r.draws if d.source == "earnings") == D(10000)


def test_first_home_shares_a_year_with_an_ordinary_distribution():
    # Form 8606 Part III as the form computes it: $11,000 of regular basis; a $10,000
    # qualified first-home distribution and a $15,000 ordinary one in the same year.
    # Line 19 = 25,000, line 20 = 10,000, line 21 = 15,000, line 22 = 11,000 (the whole
    # basis), line 23 = 4,000 = 25a = 25c. Form 5329: line 1 = 4,000 + 10,000, line 2 =
    # 10,000, line 3 = 4,000, tax $400. Listing the two in either order gives the same.
    ws = [
        Withdrawal("d1", date(2024, 6, 1), D(10000), exception="first_home"),
        Withdrawal("d2", date(2024, 7, 1), D(15000)),
    ]
    for order in (ws, ws[::-1]):
        y = roth_year(
            2024,
            owner(clock_start=2015),
            order,
            [regular(11000), earnings(14000)],
            BasisBefore(D(11000), ("r1",), D(0), ()),
            exc.CapUsage(),
            law(2024),
        )
        t, a = y.taxable, y.additional
        assert (t.after_first_home.value, t.regular_contribution_basis.value) == (
            D(15000),
            D(11000),
        )
        assert t.taxable_earnings.value == D(4000) == y.taxable_amount
        assert (a.early_includible.value, a.excepted.value, a.tax.value) == (
            D(14000),
            D(10000),
            D(400),
        )


def test_corrective_distribution_before_2023_owes_the_10_percent():
    # Reg. 1.408A-6 A-1(d); Instructions for Form 5329 (1999): under 59½ the net income
    # returned with the contribution is an early distribution on line 1 of the year it is
    # reported for. $500 of income returned 2022-03-01 for 2021: line 1 $500, tax $50.
    y = roth_year(
        2021,
        owner(),
        [],
        [],
        BasisBefore(D(0), (), D(0), ()),
        exc.CapUsage(),
        law(2021),
        [CorrectiveReturn("x1", date(2022, 3, 1), D(500))],
    )
    a = y.additional
    assert (a.early_includible.value, a.excepted.value, a.tax.value) == (D(500), 0, D(50))
    assert "x1" in a.early_includible.events


def test_corrective_distribution_from_2022_12_29_is_excepted():
    # SECURE 2.0 §333: no 10% on such income for distributions on or after 2022-12-29
    # (I5329 2023 What's New); the day before still owes it.
    def tax(day):
        return roth_year(
            2022,
            owner(),
            [],
            [],
            BasisBefore(D(0), (), D(0), ()),
            exc.CapUsage(),
            law(2022),
            [CorrectiveReturn("x1", day, D(500))],
        ).additional

    assert tax(date(2022, 12, 28)).tax.value == D(50)
    after = tax(date(2022, 12, 29))
    assert (after.early_includible.value, after.excepted.value, after.tax.value) == (
        D(500),
        D(500),
        0,
    )


def test_corrective_income_after_59_and_a_half_is_not_early():
    y = roth_year(
        2021,
        owner(age59=date(2020, 1, 1)),
        [],
        [],
        BasisBefore(D(0), (), D(0), ()),
        exc.CapUsage(),
        law(2021),
        [CorrectiveReturn("x1", date(2022, 3, 1), D(500))],
    )
    assert y.additional.tax.value == 0 and y.additional.early_includible.value == 0


@pytest.mark.parametrize(
    "code, year, why",
    [
        ("01", 2021, "employer plans"),  # §72(t)(3)(A)
        ("06", 2021, "employer plans"),
        ("06", 2025, "employer plans"),
        ("15", 2025, "employer plans"),  # 2025 plan-only numbers (RULES.md (g))
        ("21", 2025, "corrective distribution"),
        ("12", 2025, "59½"),  # needs the age: the owner is young
        ("99", 2025, "more than one"),
        ("12", 2020, "other or more than one"),
    ],
)
def test_inapplicable_codes_are_refused(code, year, why):
    with pytest.raises(exc.ExceptionRefused, match=why) as e:
        roth_year(
            year,
            owner(),
            [Withdrawal("d1", date(year, 5, 1), D(100), exception=code)],
            [regular(100)],
            BasisBefore(D(100), ("r1",), D(0), ()),
            exc.CapUsage(),
            law(year),
        )
    assert code in str(e.value) and str(year) in str(e.value)


def test_2025_code_12_at_59_and_a_half_is_accepted_and_not_early():
    y = roth_year(
        2025,
        owner(age59=date(2025, 2, 28)),
        [Withdrawal("d1", date(2025, 5, 1), D(100), exception="12")],
        [conversion(2024, "taxable", 100, ("c24",))],
        BasisBefore(D(0), (), D(100), ("c24",)),
        exc.CapUsage(),
        law(2025),
    )
    assert y.additional_tax == 0 and y.distributions[0].early is False


def test_a_failed_rule_is_a_typed_error():
    with pytest.raises(RuleFailed, match="drew"):
        roth_year(
            2020,
            owner(),
            [Withdrawal("d1", date(2020, 5, 1), D(100))],
            [regular(50)],
            BasisBefore(D(50), ("r1",), D(0), ()),
            exc.CapUsage(),
            law(2020),
        )


# --- invariants -----------------------------------------------------------------

cents = st.integers(min_value=1, max_value=2_000_000).map(lambda c: Decimal(c).scaleb(-2))
withdrawal = st.tuples(
    cents,
    st.integers(min_value=1, max_value=365),
    st.booleans(),
    st.sampled_from([None, None, "medical", "first_home", "disability"]),
)


def _year(items, reg, conv):
    ws = [
        Withdrawal(
            f"d{i}",
            date(2021, 1, 1).fromordinal(date(2021, 1, 1).toordinal() + day - 1),
            amt,
            exception=ex,
            disaster=dis,
        )
        for i, (amt, day, dis, ex) in enumerate(items)
    ]
    return ws


@settings(max_examples=60, deadline=None)
@given(
    st.lists(withdrawal, min_size=1, max_size=5),
    st.integers(min_value=0, max_value=3_000_000).map(lambda c: Decimal(c).scaleb(-2)),
    st.integers(min_value=0, max_value=3_000_000).map(lambda c: Decimal(c).scaleb(-2)),
    st.randoms(use_true_random=False),
)
def test_the_order_of_the_years_distributions_changes_nothing(items, reg, conv, rnd):
    ws = _year(items, reg, conv)
    total = sum(w.amount for w in ws)
    r_take = min(total, reg)
    c_take = min(total - r_take, conv)
    slots = [
        regular(r_take),
        conversion(2019, "taxable", c_take, ("c19",)),
        earnings(total - r_take - c_take),
    ]
    basis = BasisBefore(reg, ("r1",), conv, ("c19",))

    def run(order):
        return roth_year(
            2021, owner(clock_start=2019), order, slots, basis, exc.CapUsage(), law(2021)
        )

    shuffled = list(ws)
    rnd.shuffle(shuffled)
    a, b = run(ws), run(shuffled)
    assert a.taxable == b.taxable and a.additional == b.additional
    assert a.distributions == b.distributions and a.caps == b.caps
    # every dollar of every distribution is drawn from one slot, every slot fully shared
    for r in a.distributions:
        assert sum(d.amount for d in r.draws) == r.withdrawal.amount
    for s in slots:
        drawn = sum(d.amount for d in a.draws if (d.source, d.portion) == (s.source, s.portion))
        assert drawn == s.amount
    # Form 5329 line 1's earnings are Form 8606 line 25c when every nonqualified one is early
    if a.taxable is not None and a.taxable.taxable_earnings is not None:
        early_earnings = sum(d.subject_to_additional_tax for d in a.draws if d.source == "earnings")
        assert early_earnings == a.taxable.taxable_earnings.value
