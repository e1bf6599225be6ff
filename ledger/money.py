"""Money and ratios as :class:`decimal.Decimal`, never float.

Amounts enter as numbers or strings with at most two decimals (SPEC section 4) and leave
as strings with exactly two decimals (SPEC section 6). Rounding to cents is half-up and
happens once, where a form line is produced (RULES section 0, ``ratio_precision``).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from .dataclass import dataclass
from .errors import printable_number, shown

ZERO = Decimal("0")
CENT = Decimal("0.01")
ONE = Decimal("1")


#: digits with at most two decimals and nothing else: read by :func:`parse_money` at once
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,2})?\Z")
#: (a plain amount is read as ``Decimal(text).quantize(CENT)``, whatever reads it)
PLAIN_AMOUNT = _PLAIN_AMOUNT

#: the written forms accepted (SPEC section 4, read strictly): an optional sign (only where
#: negatives are allowed), one optional ``$``, digits either plain or with thousands
#: separators in groups of three, and at most two decimals. Anything else is refused,
#: never reinterpreted: "10,50", "1,0,0", "$$5", "1e5", ".5", "5." are not amounts.
_WRITTEN = re.compile(r"(-)?\$?([0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.([0-9]{1,2}))?\Z")

#: the largest amount the ledger takes (twelve digits before the point): far above any
#: retirement account, small enough that every sum stays exact in Decimal's 28 digits
MAX_AMOUNT = Decimal("999999999999.99")
#: the longest text read as an amount ("$999,999,999,999.99" is 19 characters)
MAX_AMOUNT_TEXT = 32


class MoneyError(ValueError):
    """An amount that cannot be read as money."""


def parse_money(raw: object, *, allow_negative: bool = False) -> Decimal:
    """Read an amount from a ledger file or the command line.

    Accepts ints, Decimals and strings in the written forms of ``_WRITTEN``; refuses
    floats that are not exact in cents, booleans, more than two decimals, negatives
    (unless allowed) and anything above :data:`MAX_AMOUNT`.
    """
    if type(raw) is str and _PLAIN_AMOUNT.match(raw):  # "1234.56", as files mostly say
        return Decimal(raw).quantize(CENT)
    if isinstance(raw, bool) or raw is None:
        raise MoneyError("is not an amount")
    if isinstance(raw, float):
        # a float from Python code: take its shortest repr, which is what was written
        raw = repr(raw)
    if isinstance(raw, int):
        if not printable_number(raw):
            raise MoneyError(f"{shown(raw)} is more than the largest amount ({MAX_AMOUNT:,})")
        value = Decimal(raw)
    elif isinstance(raw, Decimal):
        if not raw.is_finite():
            raise MoneyError(f"{shown(raw)} is not a finite amount")
        if not printable_number(raw):
            raise MoneyError(f"{shown(raw)} is more than the largest amount ({MAX_AMOUNT:,})")
        value = raw
    elif isinstance(raw, str):
        value = _read_text(raw, allow_negative)
    else:
        raise MoneyError(f"{shown(raw)} is not an amount")
    if value != value.quantize(CENT, ROUND_HALF_UP):
        raise MoneyError(f"{raw} has more than two decimals")
    if value.is_signed() and not allow_negative:  # "-0" too: a sign where none may be
        raise MoneyError(f"{raw} is negative" if value else f"{raw} has a minus sign")
    if abs(value) > MAX_AMOUNT:
        raise MoneyError(f"{shown(raw)} is more than the largest amount ({MAX_AMOUNT:,})")
    return value.quantize(CENT) if value else ZERO.quantize(CENT)  # never "-0.00"


def _read_text(raw: str, allow_negative: bool) -> Decimal:
    text = raw.strip()
    if not text:
        raise MoneyError("is empty")
    if len(text) > MAX_AMOUNT_TEXT:
        raise MoneyError(f"{shown(raw)} is too long for an amount (the largest is {MAX_AMOUNT:,})")
    match = _WRITTEN.match(text)
    if match is None:
        if "e" in text.lower() and any(c.isdigit() for c in text):
            raise MoneyError(f"{text} is not a plain amount (write it out, e.g. 100000 or 1234.56)")
        if text.startswith("-") and _WRITTEN.match(text[1:]) and not allow_negative:
            raise MoneyError(f"{text} is negative")
        if "," in text or "$" in text:
            raise MoneyError(
                f"{shown(raw)} is not an amount (one optional '$', thousands separators "
                "only in groups of three, at most two decimals: e.g. $1,234.56)"
            )
        if "." in text and re.fullmatch(r"-?[0-9]*\.[0-9]{3,}", text):
            raise MoneyError(f"{text} has more than two decimals")
        raise MoneyError(f"{shown(raw)} is not a number")
    sign, whole, decimals = match.groups()
    digits = whole.replace(",", "").lstrip("0") or "0"
    if len(digits) > 12:
        raise MoneyError(f"{shown(raw)} is more than the largest amount ({MAX_AMOUNT:,})")
    value = Decimal(digits + ("." + decimals if decimals else ""))
    if sign and not allow_negative:  # "-0" too: never read as 0.00
        raise MoneyError(f"{text} is negative" if value else f"{text} has a minus sign")
    return -value if sign else value


def cents(value: Decimal) -> Decimal:
    """Round to cents, half-up (the one rounding step of a form line)."""
    return value.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Rounding:
    """How a form line is entered: to cents, or to whole dollars ("you can round off
    cents to whole dollars"; under 50 cents down, 50 cents and up to the next dollar).
    A rule rounds each line once, computed from the rounded lines before it."""

    unit: Decimal
    name: str

    def __call__(self, value: Decimal) -> Decimal:
        return value.quantize(self.unit, ROUND_HALF_UP)


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
        ratio = ratio.quantize(_RATIO_PLACES, ROUND_HALF_UP)
    return ratio


_RATIO_PLACES = Decimal("0.001")
