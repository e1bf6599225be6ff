"""Traditional IRA basis and the pro-rata rule: Form 8606 Parts I and II.

All of a person's traditional, SEP and SIMPLE IRAs are one contract and all distributions
of a year one distribution; basis is recovered in the ratio of basis to the Dec 31 value
plus the year's distributions and conversions (IRC §408(d)(1)-(2); Treas. Reg. 1.408A-4
A-7 for conversions). The form's lines (Instructions for Form 8606, Part I):

    1 nondeductible contributions for the year   2 basis carried from last year (line 14)
    3 = 1 + 2   4 = part of 1 made Jan 1 - Apr 15 of next year   5 = 3 - 4
    6 Dec 31 value plus outstanding rollovers     7 distributions not converted/rolled
    8 net amount converted                        9 = 6 + 7 + 8
    10 = 5 / 9 ("rounded to at least 3 places"; 1.000 at most)
    11 = 8 x 10   12 = 7 x 10   13 = 11 + 12   14 = 3 - 13   15a/15c = 7 - 12
    Part II: 16 = amount converted, 17 = basis in it (line 11), 18 = 16 - 17 (taxable)

Seed 004 / RULES.md (k): $7,000 nondeductible, $50,000 pretax IRA, convert $7,000 →
$859.65 nontaxable with the exact ratio, $861 with line 10 rounded to 0.123.

A conversion whose taxable part is given (``taxable``) keeps it; the rest are computed.
When the ratio is needed and the Dec 31 value is not recorded, the figure is missing,
never guessed. Qualified charitable and HSA funding distributions stay off line 7 (income
first, so they never use basis), a repayment of a qualified disaster distribution comes
off line 6 in the year of the distribution, and line 15b is the disaster share of line
15a (:mod:`ledger.rules.ira_exclusions`, which cites the instructions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from decimal import Decimal

from ..dataclass import dataclass
from ..errors import MissingFact
from ..money import CENTS, ONE, ZERO, Rounding, clamp_ratio, fmt_table
from . import apportion
from .halfup import rounder
from .ira_exclusions import Excluded, disaster_share, excluded, year_end_after_repayments


@dataclass(frozen=True, slots=True)
class ConversionIn:
    """One conversion of the year: its amount and the taxable amount given, if any."""

    event_id: str
    amount: Decimal
    taxable_given: Decimal | None


@dataclass(frozen=True, slots=True)
class IraYearIn:
    """One person's traditional IRA year: the Form 8606 Part I inputs."""

    person: str
    year: int
    nondeductible_for_year: Decimal  # line 1
    nondeductible_made_next_year: Decimal  # line 4
    prior_basis: Decimal  # line 2
    year_end_value: Decimal | None  # line 6
    distributions: Decimal  # line 7, before the claimed exclusions below
    conversions: tuple[ConversionIn, ...]  # line 8 (income year = this year)
    qcd: Decimal = ZERO  # claimed QCDs within the year's dollar limit (§408(d)(8))
    hsa_funding: Decimal = ZERO  # claimed HSA funding distributions (§408(d)(9))
    qcd_offset: Decimal = ZERO  # post-70½ deductible contributions not yet used
    disaster: Decimal = ZERO  # qualified disaster distributions (in ``distributions``)
    disaster_repaid: Decimal = ZERO  # repaid in the year they were received (line 6)


@dataclass(frozen=True, slots=True)
class IraYearOut:
    """Form 8606 Parts I and II of one year, each conversion's split, basis carried."""

    part1: dict[str, Decimal | str] | None
    part2: dict[str, Decimal] | None
    conversions: dict[str, tuple[Decimal, Decimal]]  # id -> (taxable, nontaxable)
    basis_carried: Decimal  # line 14
    taxable_distributions: Decimal  # line 15c
    ratio: Decimal | None
    warnings: tuple[str, ...] = field(default=())
    excluded: Excluded | None = None  # the QCDs and HSA funding distributions excluded
    disaster_taxable: Decimal = ZERO  # line 15b (taxed on Form 8915-F)


_RATIO_TEXT_PLACES = Decimal("0.00000001")


def _ratio_text(r: Decimal, precision: str) -> str:
    if precision == "3":
        return f"{r:.3f}"
    return f"{r.quantize(_RATIO_TEXT_PLACES).normalize():f}" if r != ONE else "1.000"


def form8606_ira(inp: IraYearIn, precision: str, rounding: Rounding = CENTS) -> IraYearOut:
    """Form 8606 Parts I-II for one person and year (pure).

    ``rounding`` is how a line is entered: to cents, or to whole dollars as the form
    allows (each line from the rounded lines before it; :class:`ledger.money.Rounding`).
    """
    r = rounder(rounding)
    warnings: list[str] = []
    line1 = r(inp.nondeductible_for_year)
    line2 = r(inp.prior_basis)
    line3 = line1 + line2
    line4 = r(inp.nondeductible_made_next_year)
    line5 = line3 - line4
    line7 = r(inp.distributions)
    # (id, amount, taxable given) rounded; sums by loop, as sum(..., ZERO) would add them
    conversions_in = [
        (c.event_id, r(c.amount), None if c.taxable_given is None else r(c.taxable_given))
        for c in inp.conversions
    ]
    line8 = ZERO
    for _id, amount, _given in conversions_in:
        line8 += amount
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

    computed = [c for c in conversions_in if c[2] is None]
    need_ratio = line5 > 0 and (line7 > 0 or computed)
    ratio: Decimal | None = None
    line9: Decimal | None = None
    if need_ratio:
        if line6 is None:
            ids = ", ".join(c[0] for c in computed) or "the year's distributions"
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

    conversions: dict[str, tuple[Decimal, Decimal]] = {}
    given_nontaxable = ZERO
    computed_total = ZERO
    for event_id, amount, given in conversions_in:
        if given is not None:
            nontax = amount - given
            given_nontaxable += nontax
            conversions[event_id] = (given, nontax)
        else:
            computed_total += amount
    computed_nontaxable = _nontaxable(computed_total, ratio, line5, line9, precision, r)
    # (nothing distributed: nothing of it)
    line12 = _nontaxable(line7, ratio, line5, line9, precision, r) if line7 else ZERO
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
    _spread(conversions, computed, computed_nontaxable, computed_total, r)
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
    # (no disaster distribution: disaster_share is zero, as r(a zero or less) is)
    line15b = disaster_share(line15, r(inp.disaster), line7, rounding) if inp.disaster > 0 else ZERO

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


def _nontaxable(
    amount: Decimal,
    ratio: Decimal | None,
    line5: Decimal,
    line9: Decimal | None,
    precision: str,
    r: Callable[[Decimal], Decimal],
) -> Decimal:
    """The nontaxable part of ``amount`` at line 10's ratio (with the exact ratio, line 5
    over line 9 unrounded), rounded once."""
    if ratio is None or ratio == 0 or amount == 0:
        return ZERO
    if ratio >= ONE:
        return amount
    if precision == "exact" and line9:
        return r(amount * line5 / line9)
    return r(amount * ratio)


def _spread(
    conversions: dict[str, tuple[Decimal, Decimal]],
    computed: list[tuple[str, Decimal, Decimal | None]],
    nontaxable: Decimal,
    total: Decimal,
    r: Callable[[Decimal], Decimal],
) -> None:
    """The one rounded line-11 figure of the computed conversions spread over them in
    proportion to their amounts, the last taking the rest (into ``conversions``)."""
    left = nontaxable
    last = len(computed) - 1
    for i, (event_id, amount, _given) in enumerate(computed):
        if i == last:
            nontax = left
        else:
            nontax = r(nontaxable * amount / total) if total else ZERO
            left -= nontax
        conversions[event_id] = (amount - nontax, nontax)


#: what :func:`form8606_carry` gives: line 14 (the basis carried), each conversion's
#: (taxable, nontaxable), line 15c and the QCD / HSA funding exclusion
Carried = tuple[Decimal, dict[str, tuple[Decimal, Decimal]], Decimal, Excluded | None]


def form8606_carry(
    person: str,
    year: int,
    nondeductible_for_year: Decimal,
    nondeductible_made_next_year: Decimal,
    prior_basis: Decimal,
    year_end_value: Decimal | None,
    distributions: Decimal,
    conversions: tuple[tuple[str, Decimal, Decimal | None], ...],
    qcd: Decimal,
    hsa_funding: Decimal,
    qcd_offset: Decimal,
    disaster: Decimal,
    disaster_repaid: Decimal,
    precision: str,
    rounding: Rounding = CENTS,
) -> Carried:
    """What :func:`form8606_ira` of the same year carries on, and nothing else: its
    ``basis_carried`` (line 14), ``conversions``, ``taxable_distributions`` (line 15c)
    and ``excluded``, the same objects (a hypothesis test compares them by repr), for a
    year no report shows: no lines, no explanations, no warnings. The arguments are
    :class:`IraYearIn`'s fields in order (conversions as (event id, amount, taxable given)).

    Worked out here for the common year (no exclusion, disaster distribution or given
    taxable part, line 13 within line 5); any other year, and one that raises
    :class:`MissingFact`, is :func:`form8606_ira`'s, whose figures it returns."""
    r = rounder(rounding)
    computed: list[tuple[str, Decimal, Decimal | None]] = []
    line8 = ZERO
    if not (qcd or hsa_funding or disaster or disaster_repaid):
        for event_id, amount, given in conversions:
            if given is not None:
                break
            amount = r(amount)
            computed.append((event_id, amount, None))
            line8 += amount
        else:
            line1 = r(nondeductible_for_year)
            line3 = line1 + r(prior_basis)
            line5 = line3 - r(nondeductible_made_next_year)
            line7 = r(distributions)
            if line7 == 0 and line8 == 0:
                return line3, {}, ZERO, None
            line9 = None
            ratio = ZERO
            if line5 > 0 and (line7 > 0 or computed):
                if year_end_value is not None:
                    line9 = r(year_end_value) + line7 + line8
                    ratio = clamp_ratio(line5, line9, precision)
            elif line5 <= 0:
                line9 = ZERO  # (not used: the ratio is zero)
            if line9 is not None:
                computed11 = _nontaxable(line8, ratio, line5, line9, precision, r)
                line12 = _nontaxable(line7, ratio, line5, line9, precision, r) if line7 else ZERO
                if line5 < 0 or computed11 + line12 <= line5:  # else _within_basis limits them
                    out: dict[str, tuple[Decimal, Decimal]] = {}
                    _spread(out, computed, computed11, line8, r)
                    line14 = line3 - (ZERO + computed11 + line12)
                    return (ZERO if line14 < 0 else line14), out, line7 - line12 - ZERO, None
    full = form8606_ira(
        year_in(
            (
                person,
                year,
                nondeductible_for_year,
                nondeductible_made_next_year,
                prior_basis,
                year_end_value,
                distributions,
                conversions,
                qcd,
                hsa_funding,
                qcd_offset,
                disaster,
                disaster_repaid,
            )
        ),
        precision,
        rounding,
    )
    return carried_of(full)


#: :class:`IraYearIn`'s fields in order, the conversions as (event id, amount, taxable
#: given): :func:`form8606_carry`'s arguments without the policy
Figures = tuple[
    str,
    int,
    Decimal,
    Decimal,
    Decimal,
    Decimal | None,
    Decimal,
    tuple[tuple[str, Decimal, Decimal | None], ...],
    Decimal,
    Decimal,
    Decimal,
    Decimal,
    Decimal,
]


def year_in(f: Figures) -> IraYearIn:
    """:class:`IraYearIn` of :data:`Figures`."""
    conversions = tuple(ConversionIn(e, a, g) for e, a, g in f[7])
    return IraYearIn(f[0], f[1], f[2], f[3], f[4], f[5], f[6], conversions, *f[8:])


def carried_of(out: IraYearOut) -> Carried:
    """What a year's full Form 8606 carries on (:data:`Carried`)."""
    return out.basis_carried, out.conversions, out.taxable_distributions, out.excluded


def _within_basis(
    year: int,
    line5: Decimal,
    line9: Decimal | None,
    ratio: Decimal | None,
    precision: str,
    given: Decimal,
    computed11: Decimal,
    computed8: Decimal,
    line12: Decimal,
    line7: Decimal,
    r: Rounding,
    warnings: list[str],
) -> tuple[Decimal, Decimal]:
    """Lines 11 and 12 recover at most the basis on line 5.

    Line 13 (11 + 12, "the nontaxable portion of all your distributions") can exceed
    line 5 only by rounding: line 10 rounded up to 3 places (6,000 / 6,000.50 = 0.99992
    is entered as 1.000), or, with the exact ratio, two lines each rounded up by half a
    cent. Basis is never negative, so the figures the ratio gives are limited to what
    line 5 holds (less the nontaxable part of conversions whose taxable part is given),
    shared between lines 11 and 12 in proportion to lines 8 and 7.
    """
    budget = line5 - given
    if budget < 0 or computed11 + line12 <= budget or line9 is None or ratio is None:
        return computed11, line12
    over = computed11 + line12 + given
    base = computed8 + line7
    new11 = min(computed11, r(budget * computed8 / base))
    new12 = min(line12, budget - new11)
    new11 = min(computed11, budget - new12)  # together exactly line 5
    exact = line5 / line9 if line9 else ONE
    why = (
        f"line 10 is rounded up to {_ratio_text(ratio, precision)} from line 5 "
        f"{fmt_table(line5)} / line 9 {fmt_table(line9)} = {_ratio_text(exact, 'exact')}"
        if ratio > exact
        else f"lines 11 and 12 were each rounded up to {r.name}"
    )
    warnings.append(
        f"{year}: Form 8606 lines 11 + 12 came to {fmt_table(over)}, more than the basis on "
        f"line 5 ({fmt_table(budget + given)}), because {why}; lines 11 and 12 are limited to "
        f"line 5 (line 11 {fmt_table(new11 + given)}, line 12 {fmt_table(new12)}), so line 13 "
        f"is {fmt_table(new11 + new12 + given)} and line 14 is not negative"
    )
    return new11, new12


def distribution_shares(taxable: Decimal, parts: list[tuple[Decimal, bool]]) -> list[Decimal]:
    """Each distribution's share of Form 8606 line 15c (``taxable``): all of a year's
    traditional IRA distributions are one distribution (IRC §408(d)(2)), so each takes
    line 15c in proportion to its line-7 part (``parts``: that part and whether it is a
    qualified disaster distribution, whose share is line 15b instead: Instructions for
    Form 8606, line 15b). With no basis line 15c is line 7 and each share its whole part.
    The shares add up to ``taxable``."""
    weights = [ZERO if disaster else max(part, ZERO) for part, disaster in parts]
    if sum(weights, ZERO) <= 0:
        return [ZERO for _ in parts]
    return apportion.shares(taxable, weights)
