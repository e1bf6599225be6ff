"""The reference for :func:`ledger.rules.ira_pro_rata.form8606_ira`: the rule as it was
before it was made cheaper (as of 244f594), kept as it was, so that a hypothesis test
(tests/rules/test_form8606_reference.py) can hold the faster rule to the same result
objects (its helpers _within_basis and _ratio_text, unchanged, are the rule's own). The
lines it shares with the rule are the point: it is the oracle, not code to factor out.
Not to be edited except to follow a change of the law in the rule itself."""

from __future__ import annotations

from decimal import Decimal

from ledger.errors import MissingFact
from ledger.money import CENTS, ONE, ZERO, Rounding, clamp_ratio
from ledger.rules.ira_exclusions import disaster_share, excluded, year_end_after_repayments
from ledger.rules.ira_pro_rata import (
    ConversionIn,
    IraYearIn,
    IraYearOut,
    _ratio_text,
    _within_basis,
)


def form8606_ira_reference(
    inp: IraYearIn, precision: str, rounding: Rounding = CENTS
) -> IraYearOut:
    """Form 8606 Parts I-II for one person and year (pure).

    ``rounding`` is how a line is entered: to cents, or to whole dollars as the form
    allows (each line from the rounded lines before it; :class:`ledger.money.Rounding`).
    """
    r = rounding
    warnings: list[str] = []
    line1 = r(inp.nondeductible_for_year)
    line2 = r(inp.prior_basis)
    line3 = line1 + line2
    line4 = r(inp.nondeductible_made_next_year)
    line5 = line3 - line4
    line7 = r(inp.distributions)
    conversions_in = [
        ConversionIn(
            c.event_id,
            r(c.amount),
            None if c.taxable_given is None else r(c.taxable_given),
        )
        for c in inp.conversions
    ]
    line8 = sum((c.amount for c in conversions_in), ZERO)
    line6 = None if inp.year_end_value is None else r(inp.year_end_value)
    if line6 is not None and inp.disaster_repaid > 0:
        line6 = year_end_after_repayments(line6, r(inp.disaster_repaid))
    excl = None
    if inp.qcd > 0 or inp.hsa_funding > 0:
        qcd, hsa = r(inp.qcd), r(inp.hsa_funding)
        if line5 > 0 and line6 is None:
            raise MissingFact(
                f"Form 8606 line 6 for {inp.year}: record an ira_year_end_value for "
                f"{inp.person} and {inp.year} (with IRA basis, a qualified charitable or HSA "
                "funding distribution is excluded only as far as it would have been income: "
                "IRC §408(d)(8)(D), (d)(9)(D))"
            )
        pool = None if line6 is None else line6 + line7 + qcd + hsa + line8
        excl = excluded(qcd, hsa, line5, pool, r(inp.qcd_offset))
        line7 += excl.to_line7

    if line7 == 0 and line8 == 0:
        lines: dict[str, Decimal | str] = {"1": line1, "2": line2, "3": line3, "14": line3}
        return IraYearOut(lines if line1 > 0 else None, None, {}, line3, ZERO, None, (), excl, ZERO)

    computed = [c for c in conversions_in if c.taxable_given is None]
    need_ratio = line5 > 0 and (line7 > 0 or computed)
    ratio: Decimal | None = None
    line9: Decimal | None = None
    if need_ratio:
        if line6 is None:
            ids = ", ".join(c.event_id for c in computed) or "the year's distributions"
            raise MissingFact(
                f"Form 8606 line 6 for {inp.year}: record an ira_year_end_value for "
                f"{inp.person} and {inp.year} (needed for the taxable part of {ids}), or give "
                f"each conversion's taxable amount"
            )
        line9 = line6 + line7 + line8
        ratio = clamp_ratio(line5, line9, precision)
    elif line5 <= 0:
        ratio = ZERO
        if line6 is not None:
            line9 = line6 + line7 + line8

    def nontaxable_of(amount: Decimal) -> Decimal:
        if ratio is None or ratio == 0 or amount == 0:
            return ZERO
        if ratio >= ONE:
            return amount
        if precision == "exact" and line9:
            return r(amount * line5 / line9)
        return r(amount * ratio)

    conversions: dict[str, tuple[Decimal, Decimal]] = {}
    given_nontaxable = ZERO
    for c in conversions_in:
        if c.taxable_given is not None:
            nontax = c.amount - c.taxable_given
            given_nontaxable += nontax
            conversions[c.event_id] = (c.taxable_given, nontax)
    computed_total = sum((c.amount for c in computed), ZERO)
    computed_nontaxable = nontaxable_of(computed_total)
    line12 = nontaxable_of(line7)
    computed_nontaxable, line12 = _within_basis(
        inp.year,
        line5,
        line9,
        ratio,
        precision,
        given_nontaxable,
        computed_nontaxable,
        computed_total,
        line12,
        line7,
        rounding,
        warnings,
    )
    # spread the one rounded line-11 figure over the computed conversions, last takes the rest
    left = computed_nontaxable
    for i, c in enumerate(computed):
        if i == len(computed) - 1:
            nontax = left
        else:
            nontax = r(computed_nontaxable * c.amount / computed_total) if computed_total else ZERO
            left -= nontax
        conversions[c.event_id] = (c.amount - nontax, nontax)

    line11 = given_nontaxable + computed_nontaxable
    line13 = line11 + line12
    line14 = line3 - line13
    if line14 < 0:
        warnings.append(
            f"{inp.year}: nontaxable conversions given ({line11}) exceed the IRA basis ({line3}); "
            "basis carried forward set to 0.00"
        )
        line14 = ZERO
    line15 = line7 - line12
    line15b = disaster_share(line15, r(inp.disaster), line7, rounding)

    part1: dict[str, Decimal | str] | None = None
    if line3 > 0:
        part1 = {"1": line1, "2": line2, "3": line3, "4": line4, "5": line5}
        if line6 is not None:
            part1["6"] = line6
        part1["7"] = line7
        part1["8"] = line8
        if line9 is not None:
            part1["9"] = line9
        if ratio is not None:
            part1["10"] = _ratio_text(ratio, precision)
        part1.update({"11": line11, "12": line12, "13": line13, "14": line14})
        if line7 > 0:
            part1.update({"15a": line15, "15b": line15b, "15c": line15 - line15b})
    part2 = None
    if line8 > 0:
        line17 = line11 if part1 is not None else given_nontaxable
        part2 = {"16": line8, "17": line17, "18": line8 - line17}
    return IraYearOut(
        part1,
        part2,
        conversions,
        line14,
        line15 - line15b,
        ratio,
        tuple(warnings),
        excl,
        line15b,
    )
