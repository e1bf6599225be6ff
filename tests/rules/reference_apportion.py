"""ledger.rules.apportion as it was before shares() returned early when no cent is left
over (tests/rules/test_apportion_reference.py compares them).

Split amounts in proportion, in whole cents, so that every total still adds up.

Used where the law divides one figure among several in proportion to their amounts
(Form 8606 line 25b's disaster share; the year's aggregated Roth IRA distribution shared
among its distributions, Reg. 1.408A-6 A-9). Largest-remainder rounding (Hamilton's
method): each share is rounded down to the cent, then the cents left over go to the
largest remainders, ties to the earlier entry, so the result depends only on the inputs'
order, never on a float.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")


def shares(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``total`` split in proportion to ``weights``; the shares add up to ``total``."""
    whole = sum(weights, ZERO)
    if not weights:
        return []
    if whole <= 0:
        if total != 0:
            raise ValueError(f"cannot share {total} among zero weights")
        return [ZERO for _ in weights]
    exact = [total * w / whole for w in weights]
    down = [x.quantize(CENT, ROUND_FLOOR) for x in exact]
    left = int((total - sum(down, ZERO)) / CENT)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - down[i]), i))
    for i in order[:left]:
        down[i] += CENT
    return down


def table(columns: list[Decimal], rows: list[Decimal]) -> list[list[Decimal]]:
    """A table whose row ``i`` adds up to ``rows[i]`` and column ``j`` to ``columns[j]``,
    each row drawing from the columns in proportion to what is left in them. The totals
    must agree (``sum(rows) == sum(columns)``); every cell is at most its column's amount."""
    if sum(rows, ZERO) != sum(columns, ZERO):
        raise ValueError(f"rows add up to {sum(rows, ZERO)}, columns to {sum(columns, ZERO)}")
    left = list(columns)
    out: list[list[Decimal]] = []
    for i, need in enumerate(rows):
        if i == len(rows) - 1:
            row = list(left)
        else:
            row = shares(need, left)
        left = [a - b for a, b in zip(left, row)]
        out.append(row)
    return out
