"""Plan distributions: §72(e)(8) pro-rata, §72(d)(2) sub-accounts, Notice 2014-54 allocation."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.rules.in_plan_rollover import split_irr
from ledger.rules.plan_split import split_distribution

D = Decimal


def test_irs_example_cream_in_the_coffee():
    # IRS "Rollovers of after-tax contributions" / Notice 2014-54 background: $100,000 =
    # $80,000 pretax + $20,000 after-tax; $50,000 out = $40,000 pretax + $10,000 after-tax.
    s = split_distribution(D(50000), D(100000), D(20000), D(0), D(0), D(50000), "exact")
    assert (s.pretax, s.after_tax) == (D("40000.00"), D("10000.00"))
    assert s.cash_taxable == D("40000.00") and s.cash_nontaxable == D("10000.00")


def test_notice_2014_54_example_1_rollover_soaks_up_pretax_first():
    # Notice 2014-54 Ex. 1 (RULES.md (d)5): $250,000 ($200,000 pretax, $50,000 after-tax),
    # $100,000 out: $70,000 direct rollover + $30,000 cash = $10,000 taxable + $20,000 after-tax.
    s = split_distribution(D(100000), D(250000), D(50000), D(70000), D(0), D(30000), "exact")
    assert (s.pretax, s.after_tax) == (D("80000.00"), D("20000.00"))
    assert (s.trad_pretax, s.trad_after_tax) == (D("70000.00"), D("0.00"))
    assert (s.cash_taxable, s.cash_nontaxable) == (D("10000.00"), D("20000.00"))


def test_notice_2014_54_example_2_pretax_to_ira_after_tax_to_roth():
    # Notice 2014-54 Ex. 2: $80,000 pretax to a traditional IRA, $20,000 after-tax to a Roth IRA.
    s = split_distribution(D(100000), D(100000), D(20000), D(80000), D(20000), D(0), "exact")
    assert (s.roth_taxable, s.roth_nontaxable) == (D("0.00"), D("20000.00"))
    assert s.taxable_income == D("0.00")


def test_seed_002_separate_subaccount():
    # Seed 002 (Kitces 2015): sub-account $50,000 basis + $40,000 earnings; $50,000 out ->
    # $27,778 after-tax / $22,222 pretax (exact 27,777.78 / 22,222.22).
    s = split_distribution(D(50000), D(90000), D(50000), D(0), D(50000), D(0), "exact")
    assert (s.after_tax, s.pretax) == (D("27777.78"), D("22222.22"))
    assert s.roth_taxable == D("22222.22")


def test_seed_003_cream_in_coffee_exact_not_rounded_ratio():
    # Seed 003 (PLANADVISER 2024): $7,000 after-tax in $30,000; $7,000 out -> "about $1,631"
    # with a 23.3% ratio; exact 7000 x 7000/30000 = 1,633.33.
    s = split_distribution(D(7000), D(30000), D(7000), D(0), D(0), D(7000), "exact")
    assert s.after_tax == D("1633.33")
    s3 = split_distribution(D(7000), D(30000), D(7000), D(0), D(0), D(7000), "3")
    assert s3.after_tax == D("1631.00")  # ratio 0.233, as the seed rounds


def test_ratio_capped_at_one_on_a_loss():
    s = split_distribution(D(10000), D(8000), D(9000), D(0), D(10000), D(0), "exact")
    assert (s.after_tax, s.pretax) == (D("10000.00"), D("0.00"))


def test_in_plan_rollover_given_or_pro_rated():
    # Seed 004: $21,000 IRR of which $1,000 taxable (given, 1099-R box 2a).
    g = split_irr(D(21000), 2020, D(20000), None, D(1000), "exact")
    assert (g.taxable, g.nontaxable, g.clock_ends.isoformat()) == (D(1000), D(20000), "2024-12-31")
    # pro-rata: $20,000 basis in a $21,000 sub-account, all rolled -> $1,000 taxable
    p = split_irr(D(21000), 2020, D(20000), D(21000), None, "exact")
    assert (p.taxable, p.nontaxable) == (D("1000.00"), D("20000.00"))


def _split_reference(amount, account_value, after_tax_basis, to_trad, to_roth, to_cash, precision):
    """split_distribution as it was before its min/max were written out (main at 977821f)."""
    from ledger.money import ZERO
    from ledger.rules.plan_split import PlanSplit
    from ledger.rules.prorata import share

    after_tax = min(share(amount, after_tax_basis, account_value, precision), amount)
    pretax = amount - after_tax
    trad_pre = min(pretax, to_trad)
    left = pretax - trad_pre
    roth_pre = min(left, to_roth)
    left -= roth_pre
    cash_pre = min(left, to_cash)
    return PlanSplit(
        after_tax=after_tax,
        pretax=pretax,
        roth_taxable=roth_pre,
        roth_nontaxable=to_roth - roth_pre,
        trad_pretax=trad_pre,
        trad_after_tax=to_trad - trad_pre,
        cash_taxable=cash_pre,
        cash_nontaxable=max(to_cash - cash_pre, ZERO),
    )


_money = st.one_of(
    st.integers(0, 30_000_000).map(lambda c: D(c).scaleb(-2)),
    st.sampled_from([D(0), D("0.00"), D(100), D("100.00"), D("100.000"), D("-0.00")]),
)


@settings(max_examples=1000, deadline=None)
@given(_money, _money, _money, _money, _money, _money, st.sampled_from(["exact", "3"]))
def test_split_distribution_is_the_reference(amount, value, basis, trad, roth, cash, precision):
    """The same objects as the builtin min/max form (by repr: equal values of other
    exponents pick the same one), ties between the amounts included."""
    args = (amount, value, basis, trad, roth, cash, precision)
    assert repr(split_distribution(*args)) == repr(_split_reference(*args))
