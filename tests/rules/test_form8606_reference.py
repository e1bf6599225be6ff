"""The cheaper Form 8606 rule gives the reference's result objects (tests/rules/
reference_8606.py: the rule as it was), every figure with the same exponent, every
warning and every refusal word for word, over random years: conversions with and without
a given taxable part, distributions, QCDs, HSA funding and disaster distributions, a Dec
31 value or none, both ratio precisions and both roundings."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.errors import MissingFact
from ledger.money import CENTS, WHOLE_DOLLARS
from ledger.rules.ira_pro_rata import ConversionIn, IraYearIn, form8606_carry, form8606_ira

from .reference_8606 import form8606_ira_reference

# cents and, now and then, an amount with more places or none (the rule rounds them)
amounts = st.one_of(
    st.integers(min_value=0, max_value=2_000_000).map(lambda c: Decimal(c).scaleb(-2)),
    st.sampled_from([Decimal("0"), Decimal("7000"), Decimal("0.005"), Decimal("6500.499")]),
)
small = st.one_of(st.just(Decimal("0")), amounts)


@st.composite
def conversion(draw, i: int) -> ConversionIn:
    amount = draw(amounts)
    given_part = draw(st.none() | st.decimals(min_value=0, max_value=amount, places=2))
    return ConversionIn(f"c{i}", amount, given_part)


@st.composite
def ira_year(draw) -> IraYearIn:
    line1 = draw(small)
    dist = draw(small)
    disaster = draw(st.just(Decimal("0")) | st.decimals(min_value=0, max_value=dist, places=2))
    n = draw(st.integers(min_value=0, max_value=3))
    return IraYearIn(
        "p",
        2024,
        line1,
        draw(st.just(Decimal("0")) | st.decimals(min_value=0, max_value=line1, places=2)),
        draw(small),
        draw(st.none() | amounts),
        dist,
        tuple(draw(conversion(i)) for i in range(n)),
        draw(small),
        draw(small),
        draw(small),
        disaster,
        draw(st.just(Decimal("0")) | st.decimals(min_value=0, max_value=disaster, places=2)),
    )


def outcome(rule, inp, precision, rounding) -> str:
    try:
        return repr(rule(inp, precision, rounding))
    except MissingFact as exc:
        return f"MissingFact: {exc}"


@settings(max_examples=400, deadline=None)
@given(ira_year(), st.sampled_from(["exact", "3"]), st.sampled_from([CENTS, WHOLE_DOLLARS]))
def test_form8606_ira_is_the_reference(inp, precision, rounding):
    got = outcome(form8606_ira, inp, precision, rounding)
    assert got == outcome(form8606_ira_reference, inp, precision, rounding)


def test_the_comparison_sees_exponents():
    # repr tells 7000 from 7000.00, which == does not: a figure printed without fmt()
    # would show the difference
    assert repr(Decimal("7000")) != repr(Decimal("7000.00"))
    out = form8606_ira(
        IraYearIn(
            "p",
            2024,
            Decimal("7000"),
            Decimal(0),
            Decimal(0),
            Decimal("50000"),
            Decimal(0),
            (ConversionIn("c0", Decimal("7000"), None),),
        ),
        "exact",
    )
    assert repr(out.part2["16"]) == "Decimal('7000.00')"  # rounded to cents: 7,000.00


def carried(inp: IraYearIn, precision, rounding) -> str:
    """The state-only rule's figures, or its refusal, in the same words."""
    try:
        return repr(
            form8606_carry(
                inp.person,
                inp.year,
                inp.nondeductible_for_year,
                inp.nondeductible_made_next_year,
                inp.prior_basis,
                inp.year_end_value,
                inp.distributions,
                tuple((c.event_id, c.amount, c.taxable_given) for c in inp.conversions),
                inp.qcd,
                inp.hsa_funding,
                inp.qcd_offset,
                inp.disaster,
                inp.disaster_repaid,
                precision,
                rounding,
            )
        )
    except MissingFact as exc:
        return f"MissingFact: {exc}"


@st.composite
def plain_ira_year(draw) -> IraYearIn:
    """Years form8606_carry works out itself: no exclusion, disaster distribution or given
    taxable part; ratios near 1 (line 5 close to line 9) and Dec 31 values of zero."""
    line1 = draw(small)
    prior = draw(small)
    n = draw(st.integers(min_value=0, max_value=3))
    convs = tuple(ConversionIn(f"c{i}", draw(amounts), None) for i in range(n))
    ye = draw(st.none() | amounts | st.sampled_from([Decimal("0"), Decimal("0.01"), Decimal("0.50")]))  # fmt: skip
    return IraYearIn(
        "p",
        2024,
        line1,
        draw(st.just(Decimal("0")) | st.decimals(min_value=0, max_value=line1, places=2)),
        prior,
        ye,
        draw(small),
        convs,
    )


@settings(max_examples=600, deadline=None)
@given(
    st.one_of(ira_year(), plain_ira_year()),
    st.sampled_from(["exact", "3"]),
    st.sampled_from([CENTS, WHOLE_DOLLARS]),
)
def test_form8606_carry_is_the_full_forms(inp, precision, rounding):
    """form8606_carry gives the full form's line 14, conversions, line 15c and exclusion,
    the same objects (by repr: exponents too), or the same refusal."""
    full = outcome(form8606_ira, inp, precision, rounding)
    if full.startswith("MissingFact"):
        assert carried(inp, precision, rounding) == full
        return
    out = form8606_ira(inp, precision, rounding)
    want = repr((out.basis_carried, out.conversions, out.taxable_distributions, out.excluded))
    assert carried(inp, precision, rounding) == want


def test_form8606_carry_examples():
    # seed 004 (RULES.md (k)): $7,000 nondeductible, $50,000 pretax, $7,000 converted:
    # $859.65 nontaxable with the exact ratio (7,000 / 57,000 = 0.1228...), $861 at 0.123;
    # line 14 = 7,000 - 859.65 = 6,140.35 carried
    args = ("p", 2024, Decimal("7000"), Decimal(0), Decimal(0), Decimal("50000"), Decimal(0))
    rest = (Decimal(0),) * 5
    exact = form8606_carry(*args, (("c", Decimal("7000"), None),), *rest, "exact")
    assert exact == (
        Decimal("6140.35"),
        {"c": (Decimal("6140.35"), Decimal("859.65"))},
        Decimal("0.00"),
        None,
    )
    three = form8606_carry(*args, (("c", Decimal("7000"), None),), *rest, "3")
    assert three[1] == {"c": (Decimal("6139.00"), Decimal("861.00"))}
    # the backdoor year: all basis, Dec 31 value 0: the conversion is all nontaxable
    back = form8606_carry(
        "p", 2024, Decimal("7000"), Decimal(0), Decimal(0), Decimal(0), Decimal(0),
        (("c", Decimal("7000"), None),), *rest, "exact",
    )  # fmt: skip
    assert back == (Decimal("0.00"), {"c": (Decimal("0.00"), Decimal("7000.00"))}, Decimal("0.00"), None)  # fmt: skip
