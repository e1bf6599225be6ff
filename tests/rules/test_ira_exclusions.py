"""Qualified charitable, HSA funding and disaster distributions from traditional IRAs on
Form 8606 Part I (ledger.rules.ira_exclusions). Every expected number is the source's or
the form's line arithmetic on it."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.projections.person import compute_person
from ledger.rules.ira_exclusions import disaster_share, excluded, within_limit
from ledger.rules.ira_pro_rata import IraYearIn, form8606_ira
from ledger.rules.policy import DEFAULT_POLICY

from .helpers import D, facts


def year(basis, value, distributions, **kw) -> IraYearIn:
    return IraYearIn("p", 2023, D(0), D(0), D(basis), value, D(distributions), (), **kw)


def test_pub590b_jeff_qcd_is_the_income_part():
    # Pub 590-B, Qualified charitable distributions: $30,000 IRA with $10,000 basis,
    # $25,000 to a charity: QCD $20,000; $5,000 is a distribution of basis.
    out = form8606_ira(year(10000, D(5000), 0, qcd=D(25000)), "exact")
    assert out.excluded.qcd == D(20000)
    assert out.part1["7"] == D(5000) and out.part1["12"] == D(5000)
    assert out.part1["14"] == D(5000) and out.taxable_distributions == 0


def test_choate_burton_qcd_leaves_the_basis_whole():
    # Choate, Life and Death Planning ¶7.6.07: $70,000 IRA, $20,000 basis, $50,000 QCD:
    # the $20,000 left is all basis.
    out = form8606_ira(year(20000, D(20000), 0, qcd=D(50000)), "exact")
    assert out.excluded.qcd == D(50000) and out.excluded.to_line7 == 0
    assert out.basis_carried == D(20000) and out.taxable_distributions == 0


def test_i8606_2008_line_15b_example():
    # $30,000 + $10,000 disaster; line 15a $36,000: 15b = 36,000 x 10,000 / 40,000 = 9,000
    out = form8606_ira(year(5000, D(10000), 40000, disaster=D(10000)), "exact")
    assert out.part1["15a"] == D(36000) and out.part1["15b"] == D(9000)
    assert out.part1["15c"] == D(27000) and out.taxable_distributions == D(27000)
    assert disaster_share(D(36000), D(10000), D(40000)) == D(9000)


def test_i8606_2009_line_6_repayment_example():
    # $30,000 received, $15,000 repaid the same year, Dec 31 value $50,000: line 6 $35,000
    out = form8606_ira(
        year(5000, D(50000), 30000, disaster=D(30000), disaster_repaid=D(15000)), "exact"
    )
    assert out.part1["6"] == D(35000) and out.part1["7"] == D(30000)


def test_no_basis_excludes_the_whole_claim_without_a_year_end_value():
    out = form8606_ira(year(0, None, 3000, qcd=D(7000), hsa_funding=D(2000)), "exact")
    assert out.excluded.qcd == D(7000) and out.excluded.hsa_funding == D(2000)
    assert out.taxable_distributions == D(3000)


def test_limit_and_offset():
    assert within_limit(D(120000), D(100000)) == (D(100000), D(20000))
    x = excluded(D(10000), D(0), D(0), None, D(7000))
    assert (x.qcd, x.to_line7, x.offset_used) == (D(3000), D(7000), D(7000))


def test_post_70_half_deductions_reduce_later_qcds_once():
    # §408(d)(8)(A) last sentence: $7,000 deducted for 2021 (age 71) takes $7,000 off the
    # 2022 QCD of $10,000 (3,000 excluded, 7,000 taxable with no basis); nothing is left to
    # take off the 2023 QCD.
    f = facts(
        "1950-01-15",
        (
            "ira_contribution",
            {"tax_year": 2021, "date": "2021-05-01", "amount": "7000", "deductible": True},
        ),
        ("ira_distribution", {"date": "2022-06-01", "amount": "10000", "qcd": "10000"}),
        ("ira_distribution", {"date": "2023-06-01", "amount": "10000", "qcd": "10000"}),
    ).person("p")
    led = compute_person(f, 2023, DEFAULT_POLICY)
    assert led.year(2022).ira.taxable_distributions == D(7000)
    assert led.year(2023).ira.taxable_distributions == D(0)
    assert any("SECURE Act 2019 §107" in w for w in led.year(2022).warnings)


def test_qcd_over_the_year_limit_is_an_ordinary_distribution():
    f = facts(
        "1940-01-01",
        ("ira_distribution", {"date": "2023-06-01", "amount": "120000", "qcd": "120000"}),
    ).person("p")
    yr = compute_person(f, 2023, DEFAULT_POLICY).year(2023)
    assert yr.ira.taxable_distributions == D(20000)  # 120,000 - the $100,000 limit
    assert any("over the 2023 limit of 100,000.00" in w for w in yr.warnings)


money = st.decimals(min_value=0, max_value=100000, places=2)


@settings(max_examples=150, deadline=None)
@given(money, money, money, money, money, money)
def test_exclusions_never_touch_basis_and_15b_within_15a(basis, value, other, qcd, hsa, dis):
    """Invariants: what is excluded is at most what was claimed and at most what would have
    been income; the basis recovered is the same as with the excluded dollars never
    distributed; 0 <= 15b <= 15a."""
    dis = min(dis, other)
    out = form8606_ira(year(basis, value, other, qcd=qcd, hsa_funding=hsa, disaster=dis), "exact")
    x = out.excluded
    if x is not None:
        assert x.qcd + x.hsa_funding + x.to_line7 == qcd + hsa
        room = max(value + other + qcd + hsa - basis, Decimal(0)) if basis > 0 else qcd + hsa
        assert x.qcd + x.hsa_funding <= room
        plain = form8606_ira(year(basis, value, other + x.to_line7), "exact")
        assert plain.basis_carried == out.basis_carried
    if out.part1 and "15a" in out.part1:
        assert 0 <= out.part1["15b"] <= out.part1["15a"]
        assert out.part1["15c"] == out.part1["15a"] - out.part1["15b"]
