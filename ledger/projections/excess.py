"""The excess-contribution step of the per-person fold (Form 5329 Parts III and IV).

Each tax year with contributions for it, or with an excess carried from the year before,
feeds :func:`ledger.rules.excess.excess_year` with the year's limits
(:func:`limits_for`: the yearly dollar limit, a stated Roth limit or the MAGI phase-out
of a ``tax_year_income`` event), the contributions for the year (less contributions
returned in time), the year's distributions and the Dec 31 values; the result carries
to the next year. The same :func:`limits_for` gives the import and ``record`` warnings
(:mod:`ledger.projections.limits`), so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from datetime import date
from decimal import Decimal

from .. import yearly
from ..dataclass import dataclass
from ..dates import age_on, end_of_year
from ..errors import MissingFact
from ..events import (
    IraContribution,
    Roth529Rollover,
    RothContribution,
    RothContributionLimit,
    RothContributionReturn,
    TaxYearIncome,
)
from ..money import ZERO, fmt_table
from ..rules.excess import ExcessIn, ExcessOut, YearLimits, current_excess, excess_year
from ..rules.roth_eligibility import year_limits
from .recharacterize import apply_recharacterizations


@dataclass(slots=True)
class YearContributions:
    """One person's contributions FOR one tax year and the facts that limit them."""

    traditional: Decimal = ZERO
    roth: Decimal = ZERO
    rollover_529: Decimal = ZERO  # 529-to-Roth rollovers within the lifetime limit
    stated_roth_limit: Decimal | None = None
    income: TaxYearIncome | None = None
    event_ids: list[str] = field(default_factory=list)

    def add(self, ev) -> None:
        """Fold one event of the year (later limit and income events win)."""
        kind = type(ev)
        if kind is IraContribution:
            self.traditional += ev.amount
        elif kind is RothContribution:
            self.roth += ev.amount
        elif kind is RothContributionReturn:
            self.roth -= ev.amount
        elif kind is Roth529Rollover:
            self.rollover_529 += ev.amount
        elif kind is RothContributionLimit:
            self.stated_roth_limit = ev.limit
        elif kind is TaxYearIncome:
            self.income = ev
        else:
            return
        self.event_ids.append(ev.id)

    @property
    def any(self) -> bool:
        return self.traditional > 0 or self.roth > 0 or self.rollover_529 > 0


def contributions_by_year(events: Iterable) -> dict[int, YearContributions]:
    out: dict[int, YearContributions] = {}
    for ev in events:
        if type(ev) in _KINDS:
            out.setdefault(ev.effective_tax_year, YearContributions()).add(ev)
    return out


_KINDS = frozenset(
    {
        IraContribution,
        RothContribution,
        RothContributionReturn,
        RothContributionLimit,
        TaxYearIncome,
        Roth529Rollover,
    }
)


def may_carry_into(born: date | None, events: Iterable, year: int) -> bool:
    """Whether an excess contribution can be carried into ``year``: some earlier tax
    year's own contributions were over its limits (Form 5329 lines 15 and 23 are where a
    carry starts). A year whose limits are not on file counts as possible (the fold then
    says). Cheap: no fold. ``events`` are the person's events in force."""
    for y, c in contributions_by_year(apply_recharacterizations(events)).items():
        if y >= year or not c.any:
            continue
        if over_limits(born, y, c) is not False:
            return True
    return False


def over_limits(born: date | None, year: int, c: YearContributions) -> bool | None:
    """Whether the year's own contributions are over its limits (Form 5329 line 15 or 23
    more than zero: :func:`current_excess` of :func:`limits_for`); None when the limits
    are not on file. :func:`reference_over_limits` says it from the year's whole limits;
    without income facts, a stated Roth limit or a 529 rollover, the limits are the
    year's dollar limit (traditional) and that less the traditional contributions (Roth),
    so the year is over exactly when its traditional and Roth contributions together are
    more than the dollar limit (a test compares)."""
    if c.income is not None or c.stated_roth_limit is not None or c.rollover_529 > 0:
        return reference_over_limits(born, year, c)
    return over_dollar_limit(born, year, c.traditional, c.roth)


def over_dollar_limit(
    born: date | None, year: int, traditional: Decimal, roth: Decimal
) -> bool | None:
    """:func:`over_limits` of a year without income facts, a stated Roth limit or a 529
    rollover, from its traditional and Roth contributions (Roth less those returned):
    whether the two together are more than the year's dollar limit; None when it is not
    on file."""
    try:  # the age on Dec 31 (limits_for's) is the year less the year of birth
        dollar = yearly.ira_limit(year, None if born is None else year - born.year)
    except MissingFact:
        return None
    # max(x, ZERO) written out (a builtin max of Decimals costs about four comparisons)
    return (ZERO if ZERO > traditional else traditional) + (ZERO if ZERO > roth else roth) > dollar


def reference_over_limits(born: date | None, year: int, c: YearContributions) -> bool | None:
    """:func:`over_limits` from :func:`limits_for` and :func:`current_excess`."""
    try:
        limits = limits_for(born, year, c)
    except MissingFact:
        return None
    t, r = current_excess(limits, max(c.traditional, ZERO), max(c.roth, ZERO), c.rollover_529)
    return t > 0 or r > 0


def limits_for(born: date | None, year: int, c: YearContributions) -> YearLimits:
    """The year's limits from the data files and the person's stated facts; raises
    MissingFact when the year's dollar limit (or needed phase-out) is not on file."""
    age = age_on(born, end_of_year(year)) if born is not None else None
    dollar = yearly.ira_limit(year, age)
    inc = c.income
    phase = None
    if inc is not None and c.stated_roth_limit is None:
        phase = yearly.roth_phaseout(year, inc.filing_status, not inc.lived_apart)
    return year_limits(
        dollar,
        inc.compensation if inc is not None else None,
        max(c.traditional, ZERO),
        c.stated_roth_limit,
        inc.magi if inc is not None else None,
        phase,
    )


@dataclass(slots=True)
class ExcessCarry:
    """The traditional and Roth excess carried into the next year."""

    traditional: Decimal = ZERO
    roth: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class ExcessYear:
    """One year of the excess fold: the rule's answer, the limits and contributions."""

    out: ExcessOut
    limits: YearLimits
    contributions: YearContributions


def excess_step(
    person_id: str,
    born: date | None,
    carry: ExcessCarry,
    year: int,
    c: YearContributions | None,
    traditional_distributions: Decimal,
    roth_distributions: Decimal,
    ira_value: Decimal | None,
    roth_value: Decimal | None,
    warnings: list[str],
    prior_excess_withdrawn: Decimal = ZERO,
) -> ExcessYear | None:
    """One year of Form 5329 Parts III-IV; updates ``carry``; None when nothing is owed
    or carried (the parts are not required)."""
    c = c or YearContributions()
    if not c.any and carry.traditional <= 0 and carry.roth <= 0:
        return None
    try:
        limits = limits_for(born, year, c)
    except MissingFact as exc:
        warnings.append(
            f"{year}: excess IRA contributions not computed ({str(exc).removeprefix('missing: ')})"
        )
        return None
    out = excess_year(
        ExcessIn(
            year,
            limits,
            max(c.traditional, ZERO),
            max(c.roth, ZERO),
            carry.traditional,
            carry.roth,
            traditional_distributions,
            roth_distributions,
            roth_value is not None and roth_value == 0,
            ira_value,
            roth_value,
            c.rollover_529,
            prior_excess_withdrawn=prior_excess_withdrawn,
        )
    )
    carry.traditional = out.traditional.carries
    carry.roth = out.roth.carries
    warnings.extend(excess_warnings(person_id, year, out, limits))
    return ExcessYear(out, limits, c)


def excess_warnings(person_id: str, year: int, out: ExcessOut, limits: YearLimits) -> list[str]:
    """What a preparer must see for the year: each excess and its tax, a missing Dec 31
    value, and a carried Roth excess absorbed on an assumed (not stated) limit."""
    msgs = []
    for label, part, value_kind, lines in (
        ("traditional", out.traditional, "ira_year_end_value", ("16", "17")),
        ("Roth", out.roth, "roth_year_end_value", ("24", "25")),
    ):
        if part.total <= 0:
            continue
        msgs.append(
            f"{year}: {label} IRA excess contributions {fmt_table(part.total)} (Form 5329 line "
            f"{lines[0]}; this year's {fmt_table(part.current)}, carried "
            f"{fmt_table(part.carried_left)}) owe the 6% tax {fmt_table(part.tax)} (line "
            f"{lines[1]}, IRC §4973) until withdrawn or absorbed by a later year's unused limit"
        )
        if part.value_missing:
            msgs.append(
                f"{year}: no {value_kind} recorded for {year}: Form 5329 line {lines[1]} is 6% of "
                "the whole excess (the smaller-of test with the Dec 31 value is not done)"
            )
    if out.roth.carried > 0 and out.roth_absorbed > 0 and limits.roth_basis == "assumed":
        msgs.append(
            f"{year}: {fmt_table(out.roth_absorbed)} of the carried Roth IRA excess is absorbed "
            f"assuming the full Roth limit {fmt_table(limits.roth)} (record tax_year_income or "
            f"roth_contribution_limit for {year} if income reduced it)"
        )
    return msgs
