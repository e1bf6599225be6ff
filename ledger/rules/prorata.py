"""One pro-rata share, computed once and rounded to cents once.

Used by Form 8606 line 11/12 (IRC §408(d)(1)-(2); Instructions for Form 8606, line 10) and
by plan distributions and in-plan Roth rollovers (IRC §72(e)(8); Notice 2014-54). With the
``exact`` policy the share is ``amount * basis / value`` in full precision; with ``3`` the
ratio is first rounded to three decimals as printed on the form. The ratio is capped at 1
(a loss leaves unrecovered basis; RULES.md section 0, "losses").
"""

from __future__ import annotations

from decimal import Decimal

from ..money import ONE, ZERO, clamp_ratio
from .halfup import cents


def ratio(basis: Decimal, value: Decimal, precision: str) -> Decimal:
    return clamp_ratio(basis, value, precision)


def share(amount: Decimal, basis: Decimal, value: Decimal, precision: str) -> Decimal:
    """The part of ``amount`` that is basis, in cents."""
    if amount <= 0 or basis <= 0:
        return ZERO
    r = clamp_ratio(basis, value, precision)
    if r >= ONE:
        return cents(amount)
    if precision == "exact":
        return cents(amount * basis / value)
    return cents(amount * r)
