"""The rules' half-up rounding (:class:`ledger.money.Rounding`, :func:`ledger.money.cents`)
at the cost of one C call.

CPython's ``decimal`` reads ``quantize``'s keyword arguments through its slow argument
parser: ``x.quantize(unit, rounding=ROUND_HALF_UP)`` costs about three times
``x.quantize(unit, ROUND_HALF_UP)`` (Python 3.11: ~1.3 vs ~0.45 µs), and calling a
:class:`~ledger.money.Rounding` adds a Python frame. Form 8606 alone rounds eight lines a
person and year. These are the same ``quantize`` with the rounding passed by position;
tests/rules/test_halfup.py checks them against the money module's, value and exponent.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from ..money import CENT, CENTS, ONE, WHOLE_DOLLARS, Rounding


def cents(value: Decimal) -> Decimal:
    """:func:`ledger.money.cents`: to cents, half-up."""
    return value.quantize(CENT, ROUND_HALF_UP)


def rounder(r: Rounding) -> Callable[[Decimal], Decimal]:
    """``r`` as a plain function: a :class:`~ledger.money.Rounding` (half-up to its unit)
    by a positional ``quantize``; anything else callable is returned as it is."""
    if r is CENTS:
        return cents
    if r is WHOLE_DOLLARS:
        return _whole_dollars
    if type(r) is not Rounding:
        return r
    unit = r.unit

    def rounded(value: Decimal) -> Decimal:
        return value.quantize(unit, ROUND_HALF_UP)

    return rounded


def _whole_dollars(value: Decimal) -> Decimal:
    return value.quantize(ONE, ROUND_HALF_UP)
