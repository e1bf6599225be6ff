"""Money and ratios as :class:`decimal.Decimal`, never float.

Amounts enter as numbers or strings with at most two decimals (SPEC section 4) and leave
as strings with exactly two decimals (SPEC section 6). Rounding to cents is half-up and
happens once, where a form line is produced (RULES section 0, ``ratio_precision``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0")
CENT = Decimal("0.01")
ONE = Decimal("1")


#: digits with at most two decimals and nothing else: read by :func:`parse_money` at once
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,2})?\Z")


class MoneyError(ValueError):
    """An amount that cannot be read as money."""


def parse_money(raw: object, *, allow_negative: bool = False) -> Decimal:
    """Read an amount from a ledger file or the command line.

    Accepts ints, decimal strings and Decimals; refuses floats that are not exact in cents,
    booleans, more than two decimals, and negatives (unless allowed).
    """
    if type(raw) is str and _PLAIN_AMOUNT.match(raw):  # "1234.56", as files mostly say
        return Decimal(raw).quantize(CENT)
    if isinstance(raw, bool) or raw is None:
        raise MoneyError("is not an amount")
    if isinstance(raw, float):
        # YAML/JSON numbers such as 27777.78 arrive as floats; take their shortest repr,
        # which is exactly what was written in the file.
        raw = repr(raw)
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip().replace(",", "").lstrip("$")
        if not text:
            raise MoneyError("is empty")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise MoneyError(f"{raw!r} is not a number") from None
    else:
        raise MoneyError(f"{raw!r} is not an amount")
    if not value.is_finite():
        raise MoneyError(f"{raw!r} is not a finite amount")
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise MoneyError(f"{raw} has more than two decimals")
    if value < 0 and not allow_negative:
        raise MoneyError(f"{raw} is negative")
    return value.quantize(CENT)


def cents(value: Decimal) -> Decimal:
    """Round to cents, half-up (the one rounding step of a form line)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Rounding:
    """How a form line is entered: to cents, or to whole dollars ("you can round off
    cents to whole dollars"; under 50 cents down, 50 cents and up to the next dollar).
    A rule rounds each line once, computed from the rounded lines before it."""

    unit: Decimal
    name: str

    def __call__(self, value: Decimal) -> Decimal:
        return value.quantize(self.unit, rounding=ROUND_HALF_UP)


CENTS = Rounding(CENT, "cents")
WHOLE_DOLLARS = Rounding(ONE, "whole dollars")


def fmt(value: Decimal | None) -> str | None:
    """Money as a JSON string with two decimals ("1234.56")."""
    if value is None:
        return None
    return str(cents(value))


def fmt_table(value: Decimal | None) -> str:
    """Money for a table: thousands separators, two decimals."""
    if value is None:
        return ""
    return f"{cents(value):,.2f}"


def clamp_ratio(numerator: Decimal, denominator: Decimal, precision: str) -> Decimal:
    """A pro-rata ratio numerator/denominator, capped at 1.

    ``precision`` is the ``ratio_precision`` policy: ``exact`` keeps full Decimal
    precision; ``3`` rounds half-up to three places as printed on Form 8606 line 10
    ("rounded to at least 3 places").
    """
    if denominator <= 0:
        return ONE if numerator > 0 else ZERO
    ratio = numerator / denominator
    if ratio >= ONE:
        return ONE
    if precision == "3":
        ratio = ratio.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    return ratio
