"""The yearly limits with their min and max written out (ledger.rules.roth_eligibility
.year_limits, ledger.rules.excess.current_excess and roth_limit_after_traditional) give
what the builtin min/max forms gave -- the same objects, so the same exponents: 7000 and
7000.00 are equal but print differently. The references are those forms, as they were."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.money import ZERO
from ledger.rules.excess import (
    YearLimits,
    current_excess,
    roth_limit_after_traditional,
)
from ledger.rules.rollover_529 import annual_excess
from ledger.rules.roth_eligibility import phased_limit, year_limits

# whole dollars and cents, equal values of both exponents, negatives and zeros
amounts = st.one_of(
    st.integers(min_value=-2_000, max_value=2_000_000).map(lambda c: Decimal(c).scaleb(-2)),
    st.integers(min_value=-20, max_value=20_000).map(Decimal),
    st.sampled_from([Decimal("7000"), Decimal("7000.00"), Decimal("0"), Decimal("0.00")]),
)


def ref_after_traditional(before, limit, traditional):
    return max(min(before, limit - traditional), ZERO)


def ref_year_limits(dollar, compensation, traditional, stated=None, magi=None, phase=None):
    base = dollar if compensation is None else max(min(dollar, compensation), ZERO)
    if stated is not None:
        return YearLimits(base, stated, "stated")
    if magi is not None and phase is not None:
        before = phased_limit(base, magi, phase[0], phase[1])
        return YearLimits(base, ref_after_traditional(before, base, traditional), "income")
    return YearLimits(base, ref_after_traditional(base, base, traditional), "assumed")


def ref_current_excess(limits, traditional, roth, rollover_529=ZERO):
    roth_x = max(roth - limits.roth, ZERO)
    if rollover_529 > 0:
        roth_x += annual_excess(limits.traditional, traditional, roth, rollover_529)
    return max(traditional - limits.traditional, ZERO), roth_x


@settings(max_examples=400, deadline=None)
@given(
    amounts,
    st.none() | amounts,
    amounts,
    st.none() | amounts,
    st.none() | amounts,
    st.none() | st.tuples(amounts, st.sampled_from([Decimal(10000), Decimal(15000)])),
)
def test_year_limits_are_the_reference(dollar, comp, trad, stated, magi, phase):
    got = year_limits(dollar, comp, trad, stated, magi, phase)
    assert repr(got) == repr(ref_year_limits(dollar, comp, trad, stated, magi, phase))


@settings(max_examples=400, deadline=None)
@given(amounts, amounts, amounts, amounts, amounts, amounts)
def test_excess_and_roth_room_are_the_reference(t_limit, r_limit, trad, roth, r529, before):
    limits = YearLimits(t_limit, r_limit, "assumed")
    assert repr(current_excess(limits, trad, roth, r529)) == repr(
        ref_current_excess(limits, trad, roth, r529)
    )
    assert repr(roth_limit_after_traditional(before, t_limit, trad)) == repr(
        ref_after_traditional(before, t_limit, trad)
    )


def test_equal_values_keep_the_first_object():
    # min(7000, 7000.00) is the first; the written-out form must pick it too
    got = year_limits(Decimal("7000"), Decimal("7000.00"), ZERO)
    assert repr(got.traditional) == "Decimal('7000')"
    assert repr(got.roth) == "Decimal('7000')"
    assert repr(roth_limit_after_traditional(Decimal("0.00"), ZERO, ZERO)) == "Decimal('0.00')"
