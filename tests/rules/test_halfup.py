"""The rules' positional half-up rounding (ledger.rules.halfup) is the money module's:
the same value with the same exponent (a Decimal's printed form), for any amount."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ledger.money import CENTS, WHOLE_DOLLARS, Rounding, cents
from ledger.rules import halfup

# any sign, up to 8 places, ties (x.xx5, x.5) included, and zeros of every exponent
values = st.one_of(
    *(
        st.decimals(min_value=-(10**13), max_value=10**13, places=p, allow_nan=False)
        for p in (0, 1, 2, 3, 8)
    )
) | st.sampled_from(
    [Decimal(s) for s in ("0", "-0", "0.000", "0.005", "-0.005", "2.5", "-2.5", "0.495")]
)


def same(a: Decimal, b: Decimal) -> bool:
    return a == b and repr(a) == repr(b)


@given(values)
def test_cents_is_money_cents(x):
    assert same(halfup.cents(x), cents(x))


@given(values)
def test_rounder_is_the_rounding(x):
    for r in (CENTS, WHOLE_DOLLARS, Rounding(Decimal("0.1"), "dimes")):
        assert same(halfup.rounder(r)(x), r(x))


def test_ties_round_half_up():
    # independent source: the forms' "50 cents and up to the next dollar"
    assert halfup.rounder(WHOLE_DOLLARS)(Decimal("2.50")) == Decimal("3")
    assert halfup.cents(Decimal("0.125")) == Decimal("0.13")
    assert repr(halfup.cents(Decimal("7"))) == "Decimal('7.00')"


def test_another_callable_is_used_as_it_is():
    def double(x: Decimal) -> Decimal:
        return x * 2

    assert halfup.rounder(double) is double  # type: ignore[arg-type]
