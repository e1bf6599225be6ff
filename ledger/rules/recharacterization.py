"""The part of a contribution or conversion recharacterized, and what stays.

Sources: Treas. Reg. 1.408A-5 A-1 to A-3 and Treas. Reg. §1.408-11 (all or part of an IRA
contribution or conversion may be recharacterized; the part moves with its net income
attributable, which is not part of the contribution); Pub 590-A, "Recharacterizations"
(part of a contribution may be recharacterized; the amount transferred is the part plus
its earnings or less its loss); Instructions for Form 8606, "Recharacterizations" and
Part II (line 8 and line 16 are the amounts converted not including amounts later
recharacterized; line 17 is the basis share of line 16 by the line 10 ratio, line 5 /
line 9, at most 1.000; line 18 = line 16 - line 17).

Plain values in and out. A part's taxable share follows from a conversion's stated
taxable amount only at the two ends of the ratio: a wholly taxable conversion (no basis,
line 10 is 0) keeps ``taxable - part``; a wholly nontaxable one (line 10 is 1.000, and
stays 1.000 as line 8 and so line 9 fall) keeps 0. Between them the share moves with
Form 8606 lines 6-10 of the year, which a stated taxable amount does not carry:
:func:`rest_taxable` returns None there and the caller says it is not supported.
"""

from __future__ import annotations

from decimal import Decimal

ZERO = Decimal("0.00")
CITE = (
    "Treas. Reg. 1.408A-5 A-2, §1.408-11; Pub 590-A; Instructions for Form 8606 "
    "(Recharacterizations; Part II lines 16-18)"
)


def rest_taxable(amount: Decimal, taxable: Decimal, part: Decimal) -> Decimal | None:
    """The taxable amount of a conversion of ``amount`` (``taxable`` of it taxable) once
    ``part`` of it is recharacterized; None when it cannot be derived from these figures."""
    if part > amount or part < ZERO:
        raise ValueError(f"part {part} is not within the conversion's {amount}")
    if taxable == amount:
        return taxable - part
    if taxable == ZERO:
        return ZERO
    return None


def part_unsupported(conversion_id: str) -> str:
    """Why a partial recharacterization of a conversion with basis and a stated taxable
    amount is refused, and what to record instead."""
    return (
        f"a partial recharacterization of {conversion_id}, a conversion with basis whose "
        "taxable amount is given (the recharacterized part's taxable share depends on Form "
        "8606 lines 6-10 of its year, which that figure does not carry): give the "
        "conversion's post-recharacterization figures instead -- void it and record the "
        "amount that stayed converted with its taxable amount (Form 8606 lines 16 and 18, "
        "net of the part recharacterized), without this recharacterization; or record the "
        "conversion without taxable so the ledger's Form 8606 Part II pro-rates it"
    )
