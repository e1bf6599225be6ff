"""ledger.rules.apportion's shares and table (shares returns at once when no cent is left
over) against tests/rules/reference_apportion.py, each Decimal by repr (exponents too),
errors included: zero, negative and mixed-exponent amounts and weights."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.rules import apportion

from . import reference_apportion as ref

_amount = st.builds(
    lambda n, e: Decimal(n).scaleb(-e),
    st.integers(-2_000, 2_000_000),
    st.sampled_from([0, 1, 2, 2, 2, 3]),
)


def _run(f, *args):
    try:
        return repr(f(*args))
    except (ValueError, ArithmeticError) as exc:
        return f"{type(exc).__name__}: {exc}"


@settings(max_examples=1500, deadline=None)
@given(_amount, st.lists(_amount, max_size=6))
def test_shares_is_the_reference(total, weights):
    assert _run(apportion.shares, total, weights) == _run(ref.shares, total, weights)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_amount, min_size=1, max_size=5), st.data())
def test_table_is_the_reference(columns, data):
    rows = data.draw(st.lists(_amount, min_size=1, max_size=4))
    if data.draw(st.booleans()):  # rows adding up to the columns, as roth_year gives them
        rows = [*rows[:-1], sum(columns, Decimal(0)) - sum(rows[:-1], Decimal(0))]
    assert _run(apportion.table, columns, rows) == _run(ref.table, columns, rows)


def test_exact_shares_return_early_with_the_same_figures():
    assert apportion.shares(Decimal("30.00"), [Decimal("10.00"), Decimal("20.00")]) == [
        Decimal("10.00"),
        Decimal("20.00"),
    ]
    got = apportion.shares(Decimal("0.10"), [Decimal(1)] * 3)
    assert repr(got) == repr(ref.shares(Decimal("0.10"), [Decimal(1)] * 3))
