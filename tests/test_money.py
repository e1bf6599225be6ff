"""Reading amounts (ledger.money.parse_money; SPEC section 4: at most two decimals, never a
float, refused when negative). The plain form "1234.56" is read by a fast path; it must
agree with the general path, reached here by surrounding the same text with spaces."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.money import MoneyError, parse_money

amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("999999999999.99"), places=2)


@given(amounts, st.sampled_from(["{}", "{:f}"]))
def test_the_plain_form_reads_as_the_general_path_does(amount, form):
    text = form.format(amount)
    fast = parse_money(text)
    assert fast == parse_money(f" {text} ") == amount
    assert fast.as_tuple().exponent == -2  # always to the cent, "6000" -> 6000.00
    assert str(parse_money("6000")) == "6000.00"


@pytest.mark.parametrize("raw", ["1.234", "-5", "", "12,34.5.6", "abc", "NaN", True, 1.005])
def test_refused(raw):
    with pytest.raises(MoneyError):
        parse_money(raw)


def test_written_forms_that_are_accepted():
    assert parse_money("$1,234.5") == Decimal("1234.50")
    assert parse_money(27777.78) == Decimal("27777.78")  # a YAML/JSON float, as written
    assert parse_money("-5", allow_negative=True) == Decimal("-5.00")
