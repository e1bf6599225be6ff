"""The per-person fold: every year from the first event to the year asked for.

Each year, in this order (each step a pure rule from :mod:`ledger.rules`):

1. employer plans: after-tax and designated Roth contributions, plan distributions split
   per Notice 2014-54 (``plan_split``), in-plan Roth rollovers (``in_plan_rollover``), and
   designated Roth rollovers into the Roth IRA (Reg. 1.408A-10 A-3);
2. traditional IRAs: Form 8606 Parts I-II for the conversions whose money left the
   traditional IRA this year (``ira_pro_rata``; Reg. 1.408A-4 A-7 for the income year);
3. Roth IRAs: regular contributions FOR the year (less returned ones, Reg. 1.408A-6
   A-1(d)), conversion and plan-rollover layers RECEIVED this year (Reg. 1.408A-6 A-5(c)),
   the qualified clock, then the year's distributions (``withdrawals.roth_year``).

``as_of`` restricts the fold to events dated on or before that day (``report basis``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field, replace
from datetime import date
from decimal import Decimal
from operator import attrgetter

from .. import yearly
from ..dataclass import dataclass
from ..dates import age_59_and_a_half, age_70_and_a_half
from ..errors import MissingFact
from ..events import (
    DesignatedRothRollover,
    InPlanRothRollover,
    IraContribution,
    IraDisasterRepayment,
    IraDistribution,
    IraYearEndValue,
    PlanAfterTaxContribution,
    PlanDistribution,
    PlanRothContribution,
    Recharacterization,
    Roth529Rollover,
    RothContribution,
    RothContributionLimit,
    RothContributionReturn,
    RothConversion,
    RothDistribution,
    RothSepSimpleContribution,
    RothYearEndValue,
    TaxYearIncome,
)
from ..money import ZERO, fmt_table
from ..rules import ira_exclusions as excl
from ..rules.conversion_spread import SCHEDULES, inclusion, last_year
from ..rules.in_plan_rollover import split_irr
from ..rules.ira_pro_rata import (
    Figures,
    IraYearOut,
    carried_of,
    distribution_shares,
    form8606_carry,
    form8606_ira,
    year_in,
)
from ..rules.ordering import CITE_CONVERSION, Bucket, Take
from ..rules.plan_split import PlanSplit, split_distribution
from ..rules.policy import DEFAULT_POLICY, Policy
from ..rules.recapture import clock_ends
from ..rules.rollovers import distributed
from ..rules.roth_distributions import TraditionalDistribution
from .duplicates import duplicates_by_year
from .excess import ExcessYear, YearContributions, excess_step, over_limits
from .facts import PersonFacts
from .inherited import at_death, inherited_account, is_inherited, merge_into, share_of
from .limits import lifetime_warning
from .recharacterize import apply_recharacterizations, recharacterized_later, whole_notes
from .rollover_529 import EMPTY_OVER, apply_529_lifetime, no_basis_warning, over_lifetime
from .state import BasisSnapshot, PersonState, SpreadState, snapshot
from .withdrawals import WithdrawalYear, consume_year, drawn_year, plain_withdrawals, roth_year


@dataclass(frozen=True, slots=True)
class PlanDistributionOut:
    """A plan distribution with its split (ledger.rules.plan_split)."""

    event: PlanDistribution
    split: PlanSplit


@dataclass(frozen=True, slots=True)
class IrrOut:
    """An in-plan Roth rollover: its taxable and nontaxable parts and the day its five-
    year clock ends."""

    event: InPlanRothRollover
    taxable: Decimal
    nontaxable: Decimal
    clock_ends: date


@dataclass(frozen=True, slots=True)
class LayerAdded:
    """A layer an event added to a person's Roth IRA basis."""

    source: str
    year: int
    taxable: Decimal
    nontaxable: Decimal
    clock_ends: date
    event_ids: tuple[str, ...]


@dataclass(slots=True, init=False)
class YearResult:
    """One year's figures. Made for every folded year, so its ``__init__`` is written out
    (the fields' defaults as literals: a dataclass's default factories cost a call each)."""

    year: int
    ira: IraYearOut | None = None
    #: the events behind Form 8606 Parts I-II, by what they are (``reports.forms`` maps
    #: them to the lines): contributions, late_contributions, prior_basis,
    #: year_end_value, distributions, conversions
    ira_events: dict[str, tuple[str, ...]] = field(default_factory=dict)
    plan_distributions: list[PlanDistributionOut] = field(default_factory=list)
    irrs: list[IrrOut] = field(default_factory=list)
    drrs: list[tuple[DesignatedRothRollover, Decimal]] = field(default_factory=list)
    layers_added: list[LayerAdded] = field(default_factory=list)
    returned_earnings: Decimal = ZERO
    withdrawals: WithdrawalYear | None = None
    excess: ExcessYear | None = None
    spread_deferred: Decimal = ZERO  # this year's conversion income put off to later years
    spread_included: Decimal = ZERO  # deferred conversion income taxed this year
    prior_excess_withdrawn: Decimal = ZERO  # §408(d)(5) withdrawals (Form 5329 line 12)
    snapshot: BasisSnapshot | None = None
    warnings: list[str] = field(default_factory=list)
    #: said by the year and withdrawals reports only (a whole recharacterization whose
    #: amount is not its target's: ``recharacterize.whole_notes``)
    notes: list[str] = field(default_factory=list)

    def __init__(self, year: int) -> None:
        self.year = year
        self.ira = None
        self.ira_events = {}
        self.plan_distributions = []
        self.irrs = []
        self.drrs = []
        self.layers_added = []
        self.returned_earnings = ZERO
        self.withdrawals = None
        self.excess = None
        self.spread_deferred = ZERO
        self.spread_included = ZERO
        self.prior_excess_withdrawn = ZERO
        self.snapshot = None
        self.warnings = []
        self.notes = []

    def taxable_income(self) -> dict[str, Decimal]:
        conv = self.ira.part2["18"] if self.ira and self.ira.part2 else ZERO
        conv = conv - self.spread_deferred + self.spread_included
        ira_dist = self.ira.taxable_distributions if self.ira else ZERO
        plan = sum((p.split.taxable_income for p in self.plan_distributions), ZERO)
        irr = sum((i.taxable for i in self.irrs), ZERO)
        roth = self.withdrawals.taxable_amount if self.withdrawals else ZERO
        out = {
            "conversions": conv,
            "ira_distributions": ira_dist,
            "plan_distributions": plan,
            "in_plan_roth_rollovers": irr,
            "roth_distributions": roth,
            "returned_contribution_earnings": self.returned_earnings,
        }
        out["total"] = sum(out.values(), ZERO)
        return out


def decedent_state(decedent: PersonFacts, policy: Policy) -> PersonState:
    """The decedent's Roth IRA state at death (:func:`.inherited.at_death`; raises as the
    fold does)."""
    died = decedent.died_on
    assert died is not None
    return compute_person(at_death(decedent), died.year, policy, with_snapshot=False).final_state


def _inherited_ledger(person, inh, through_year, policy, as_of, report_years, with_snapshot):
    """(decedent id, the inherited account's ledger), folded from the beneficiary's share
    of the decedent's layers at death; a decedent whose Roth history is not in the ledger
    is said so in every year the account distributes."""
    died = inh.decedent.died_on
    seed = share_of(decedent_state(inh.decedent, policy), inh.percent, inh.event.id)
    acct = compute_person(
        inherited_account(person, inh),
        through_year,
        policy,
        as_of,
        report_years,
        with_snapshot,
        {max(inh.event.date.year, died.year): [seed]},
    )
    if seed.clock_start is None:
        for res in acct.years.values():
            if res.withdrawals is not None:
                res.warnings.append(
                    f"{inh.event.id}: no Roth IRA contribution or conversion of "
                    f"{inh.decedent.id} is recorded: the inherited account has no basis and "
                    f"no 5-year clock (record {inh.decedent.id}'s Roth IRA history)"
                )
    return inh.decedent.id, acct


def _tax_year_of(ev) -> int:
    return ev.effective_tax_year


class PersonLedger:
    """The computed years of one person (a projection; rebuilt from events every time):
    every year folded, or with ``report_years`` those years and ``through_year`` only
    (the others are folded for the state they carry on); ``inherited``: each inherited
    Roth IRA kept apart (decedent id, its own ledger)."""

    def __init__(
        self,
        person: PersonFacts,
        years: dict[int, YearResult],
        state: PersonState,
        inherited: tuple[tuple[str, PersonLedger], ...] = (),
    ):
        self.person = person
        self.years = years
        self.final_state = state
        self.inherited = inherited

    def year(self, y: int) -> YearResult:
        return self.years.get(y) or YearResult(y)


def compute_person(
    person: PersonFacts,
    through_year: int,
    policy: Policy = DEFAULT_POLICY,
    as_of: date | None = None,
    report_years: frozenset[int] | None = None,
    with_snapshot: bool = True,
    _inflows: dict[int, list[PersonState]] | None = None,
) -> PersonLedger:
    """Fold a person's events year by year through ``through_year``.

    ``report_years`` (None: every year) names the years whose withdrawal reports are
    wanted; in the other years plain withdrawals only consume the basis buckets
    (:func:`consume_year`), which gives the same state (a test compares).
    ``with_snapshot=False`` skips the carried-forward view of ``through_year`` (the
    batch report, which shows only the year's withdrawals).

    Inherited Roth IRAs (:mod:`.inherited`): one a surviving spouse treats as her own
    joins her layers in the year of the election; any other is folded apart, from the
    decedent's layers at death, into ``PersonLedger.inherited``. ``_inflows`` (year ->
    states) are layers that join the fold at the start of that year."""
    inflows: dict[int, list[PersonState]] = {y: list(v) for y, v in (_inflows or {}).items()}
    apart = []
    for inh in person.inherited:
        if as_of is not None and inh.event.date > as_of:
            continue
        if inh.treat_as_own:
            got = share_of(decedent_state(inh.decedent, policy), inh.percent, inh.event.id)
            inflows.setdefault(inh.event.date.year, []).append(got)
        else:
            apart.append(inh)
    apart_from = {inh.decedent.id for inh in apart}
    own = (
        tuple(person.events)  # nothing to leave out (the batch's common case)
        if as_of is None and not apart_from
        else tuple(
            e
            for e in person.events
            if (as_of is None or type(e) is not Recharacterization or e.date <= as_of)
            and not (is_inherited(e) and getattr(e, "inherited_from", None) in apart_from)
        )
    )
    kinds = set(map(type, own))  # the passes below of a kind not there would find nothing
    recharacterized = Recharacterization in kinds
    events = apply_recharacterizations(own) if recharacterized else own
    if as_of is not None:
        events = tuple(e for e in events if e.effective_date is None or e.effective_date <= as_of)
    over_529 = over_lifetime(events) if Roth529Rollover in kinds else {}
    if over_529:
        events = apply_529_lifetime(events)
    by_year, income_year_conv, all_plain = _by_year(events)
    if person.died_on is not None or person.disabled_on is not None:
        all_plain = False  # plain_withdrawals says it distribution by distribution
    notes = whole_notes(own) if recharacterized else {}
    # Form 8606 line 6 of the target's year:
    later = recharacterized_later(own) if recharacterized else {}
    for y in notes:  # the target's year is reported even when nothing else is left in it
        by_year.setdefault(y, _YearEvents())
    state = PersonState()
    years: dict[int, YearResult] = {}
    inherited = tuple(
        _inherited_ledger(person, inh, through_year, policy, as_of, report_years, with_snapshot)
        for inh in apart
        if inh.decedent.died_on is not None
    )
    if not by_year and not income_year_conv and not inflows:
        return PersonLedger(person, years, state, inherited)
    first = min(list(by_year) + list(income_year_conv) + list(inflows))
    roth_ye: dict[int, Decimal] = {}
    empty = _YearEvents()
    for y in range(first, through_year + 1):
        # a year not reported is folded for the state it carries on (its result is made,
        # as the steps write to it, and left unkept; through_year's is kept for the snapshot)
        reported = report_years is None or y in report_years
        kept = reported or y == through_year
        evs = by_year.get(y, empty)
        res = YearResult(y)
        if inflows:
            for inflow in inflows.get(y, ()):
                merge_into(state, inflow)
        if evs.plan:
            _plans(person, state, res, y, evs.plan, policy)
        conversions = income_year_conv.get(y, ())
        line15c = None  # Form 8606 line 15c (None: no Form 8606 Parts I-II this year)
        if evs.ira or conversions:
            line15c = _ira(
                person, state, res, y, evs.ira, conversions, policy, as_of, later.get(y), kept
            )
        # (its own events' part; without events it only starts the clock of a year not
        # after the clock's, from a bucket of the year already there)
        added = (
            _roth_inflows(state, res, y, evs.roth, over_529, kept)
            if evs.roth or state.clock_start is None or y <= state.clock_start
            else ZERO
        )
        if over_529:
            for event_id, (over_year, over) in over_529.items():
                if over_year == y:
                    res.warnings.append(lifetime_warning(person.id, event_id, over))
        if evs.roth_year_end:
            roth_ye[y] = evs.roth_year_end[-1].value
        dists = evs.distributions
        returns = evs.returns  # their income may owe the 10% (Form 5329 line 1 of the year)
        trad = _early_traditional(person, res, evs.ira, line15c) if line15c is not None else ()
        takes = None  # the walk's takes of a year whose only reader is the spread
        if dists or returns or trad:
            full = reported or trad or not (all_plain or plain_withdrawals(person, dists))
            if not full and state.spreads and _accelerable(state, y):
                if kept or returns:  # kept, or the returns' income to judge: made in full
                    full = True
                else:  # only _spread_income reads them: the draws, by bucket
                    takes = drawn_year(person, state, y, dists, policy)
            if full:
                added += _received_elsewhere(state, res, y)
                res.withdrawals = roth_year(
                    person, state, y, dists, policy, roth_ye.get(y - 1), added, returns, trad
                )
            elif takes is None:
                consume_year(state, y, dists, policy)
        if (
            reported
            or evs.ira
            or evs.roth
            or evs.limits
            or state.excess.traditional > ZERO
            or state.excess.roth > ZERO
        ):  # else _excess returns at once: nothing carried in, no contribution, unreported
            _excess(person, state, res, y, evs, roth_ye.get(y), reported, line15c)
        if state.spreads:
            _spread_income(state, res, y, takes)
        if kept:
            years[y] = res
    for y, found in duplicates_by_year(
        person.events
        if as_of is None
        else (e for e in person.events if e.effective_date is None or e.effective_date <= as_of),
        report_years,
    ).items():
        if y in years:  # every report of the year says so (warnings, not refusals)
            years[y].warnings.extend(found)
    for y, said in notes.items():
        if y in years:  # a whole recharacterization whose amount is not its target's
            years[y].notes.extend(said)
    if with_snapshot and through_year in years:  # the carried-forward view: at the end
        years[through_year].snapshot = snapshot(state)
    return PersonLedger(person, years, state, inherited)


class _YearEvents:
    """One year's events of a person, sorted once by the step that uses them (each list
    in ledger order). ``returns``: the year's contribution returns with earnings (in
    ``roth`` too), whose income may owe the 10%."""

    __slots__ = ("plan", "ira", "roth", "roth_year_end", "distributions", "limits", "returns")

    def __init__(self) -> None:
        self.plan: list = []  # step 1: employer plans
        self.ira: list = []  # step 2: traditional IRAs
        self.roth: list = []  # step 3: Roth contributions and conversions
        self.roth_year_end: list = []
        self.distributions: list = []
        self.limits: list = []  # stated Roth limits, income facts
        self.returns: list = []


_YEAR = attrgetter("date.year")

#: what :func:`_by_year` does for a kind beyond filing it: nothing (0); take off its
#: rolled-over part (_ROLLS: an IRA distribution; _ROTH_DIST: a Roth distribution, which
#: may also claim an exception or a disaster); note its income year (_CONVERSION); note
#: it among the returns when it has earnings (_RETURN)
_ROLLS, _ROTH_DIST, _CONVERSION, _RETURN = 1, 2, 3, 4

#: the lists of a :class:`_YearEvents`, in the order of the index :data:`_PLACE` gives
_LISTS = attrgetter("plan", "ira", "roth", "roth_year_end", "distributions", "limits")
_PLAN, _IRA, _ROTH, _ROTH_YEAR_END, _DISTRIBUTIONS, _LIMITS = range(6)

#: each kind of flow: the list of its year it joins (an index into :data:`_LISTS`), what
#: gives that year (the tax year for contributions, the year of a year-end value, else
#: the year of its date), and what else is done with it (0 or one of _ROLLS...)
_PLACE: dict[type, tuple[int, attrgetter, int]] = {
    PlanAfterTaxContribution: (_PLAN, _YEAR, 0),
    PlanRothContribution: (_PLAN, attrgetter("tax_year"), 0),
    PlanDistribution: (_PLAN, _YEAR, 0),
    InPlanRothRollover: (_PLAN, _YEAR, 0),
    DesignatedRothRollover: (_PLAN, _YEAR, 0),
    IraContribution: (_IRA, attrgetter("tax_year"), 0),
    IraDistribution: (_IRA, _YEAR, _ROLLS),
    IraDisasterRepayment: (_IRA, _YEAR, 0),
    IraYearEndValue: (_IRA, attrgetter("year"), 0),
    RothContribution: (_ROTH, attrgetter("tax_year"), 0),
    Roth529Rollover: (_ROTH, attrgetter("effective_tax_year"), 0),
    RothSepSimpleContribution: (_ROTH, _YEAR, 0),
    RothContributionReturn: (_ROTH, attrgetter("tax_year"), _RETURN),
    RothConversion: (_ROTH, _YEAR, _CONVERSION),
    RothYearEndValue: (_ROTH_YEAR_END, attrgetter("year"), 0),
    RothDistribution: (_DISTRIBUTIONS, _YEAR, _ROTH_DIST),
    RothContributionLimit: (_LIMITS, attrgetter("tax_year"), 0),
    TaxYearIncome: (_LIMITS, attrgetter("tax_year"), 0),
}


def _by_year(
    events,
) -> tuple[dict[int, _YearEvents], dict[int, list[RothConversion]], bool]:
    """The events by year and step (:data:`_PLACE`), with each rolled-over part taken off
    its distribution (:func:`.rollovers.apply_rollovers`, done here in the same pass: a
    distribution rolled over whole is none); the conversions by their income year (the
    year their money left the traditional IRA); and whether no Roth distribution claims
    an exception or a disaster (then every year's are :func:`plain_withdrawals` as far as
    the distributions go). A person's events mostly come a year at a time, so the last
    year's lists are kept at hand (``tests/reference_fold.py`` keeps the plain form)."""
    by_year: dict[int, _YearEvents] = {}
    income_year_conv: dict[int, list[RothConversion]] = {}
    all_plain = True
    last_y = None
    year = lists = None
    for ev in events:
        kind = type(ev)
        place = _PLACE.get(kind)
        if place is None:  # not a flow (a birth, a disability...): its year still counts
            d = getattr(ev, "date", None)
            if d is not None and d.year not in by_year:
                by_year[d.year] = _YearEvents()
            continue
        which, year_of, special = place
        if special and special <= _ROTH_DIST and ev.rolled_over:
            rest = distributed(ev.amount, ev.rolled_over)
            if rest <= 0:
                continue
            ev = replace(ev, amount=rest, rolled_over=None)
        y = year_of(ev)
        if y != last_y:
            year = by_year.get(y)
            if year is None:
                year = by_year[y] = _YearEvents()
            lists = _LISTS(year)
            last_y = y
        lists[which].append(ev)  # type: ignore[index]
        if special:
            if special == _CONVERSION:
                income_year_conv.setdefault((ev.distributed_on or ev.date).year, []).append(ev)
            elif special == _ROTH_DIST:
                if all_plain and (ev.exception is not None or ev.disaster):
                    all_plain = False
            elif special == _RETURN and ev.earnings > 0:
                year.returns.append(ev)  # type: ignore[union-attr]
    return by_year, income_year_conv, all_plain


def _excess(
    person: PersonFacts,
    state: PersonState,
    res: YearResult,
    y: int,
    evs,
    roth_ye,
    reported: bool = True,
    line15c: Decimal | None = None,
) -> None:
    """Form 5329 Parts III-IV for ``y`` (:mod:`.excess`). A year not ``reported`` (a
    batch's earlier years) with nothing carried in and no excess of its own is not worked
    through the form: it would owe and carry nothing, and say nothing. ``line15c``: the
    year's taxable traditional IRA distributions (None: ``res.ira``'s)."""
    carried = state.excess.traditional > ZERO or state.excess.roth > ZERO
    if not (carried or reported or evs.limits) and _within_dollar_limit(person, y, evs):
        return  # as below, without gathering the year's YearContributions
    contrib = None
    if evs.ira or evs.roth or evs.limits:
        contrib = YearContributions()
        for group in (evs.ira, evs.roth, evs.limits):
            for ev in group:
                contrib.add(ev)
    if not carried:
        if contrib is None or not contrib.any:
            return  # excess_step: nothing owed or carried, the parts are not required
        if not reported and not over_limits(person.born, y, contrib):
            return  # nothing carried and no excess of its own (None: as excess_step, no figure)
    ira_ye = None
    for ev in evs.ira:
        if type(ev) is IraYearEndValue:
            ira_ye = ev.value
    res.excess = excess_step(
        person.id,
        person.born,
        state.excess,
        y,
        contrib,
        line15c if line15c is not None else res.ira.taxable_distributions if res.ira else ZERO,
        sum((d.amount for d in evs.distributions), ZERO),
        ira_ye,
        roth_ye,
        res.warnings,
        res.prior_excess_withdrawn,
    )


def _within_dollar_limit(person: PersonFacts, y: int, evs) -> bool:
    """For a year without income facts or a stated Roth limit (no ``evs.limits``): True
    when the year's own contributions are none or within its dollar limit
    (:func:`over_dollar_limit` is False), so that, nothing being carried in, the year
    has no Form 5329 Parts III-IV; False when that is not so or not known this way (a
    529 rollover, a limit not on file). The sums are :class:`YearContributions`'."""
    traditional = roth = ZERO
    for ev in evs.ira:
        if type(ev) is IraContribution:
            traditional += ev.amount
    for ev in evs.roth:
        kind = type(ev)
        if kind is RothContribution:
            roth += ev.amount
        elif kind is RothContributionReturn:
            roth -= ev.amount
        elif kind is Roth529Rollover:
            return False
    if not (traditional > ZERO or roth > ZERO):
        return True  # YearContributions.any is False
    # over_dollar_limit(person.born, y, traditional, roth) is False, written out (it runs
    # for nearly every year a batch folds and does not report)
    born = person.born
    try:  # the age on Dec 31 is the year less the year of birth
        dollar = yearly.ira_limit(y, None if born is None else y - born.year)
    except MissingFact:
        return False  # over_dollar_limit's None: not known this way
    return not (
        (ZERO if ZERO > traditional else traditional) + (ZERO if ZERO > roth else roth) > dollar
    )


def _plans(
    person: PersonFacts, state: PersonState, res: YearResult, y: int, evs: list, policy: Policy
) -> None:
    for ev in evs:
        if isinstance(ev, PlanAfterTaxContribution):
            state.plan(ev.plan).after_tax_basis += ev.amount
        elif isinstance(ev, PlanRothContribution):
            p = state.plan(ev.plan)
            p.designated_roth_basis += ev.amount
            if p.roth_clock_start is None or ev.tax_year < p.roth_clock_start:
                p.roth_clock_start = ev.tax_year
        elif isinstance(ev, PlanDistribution):
            p = state.plan(ev.plan)
            split = split_distribution(
                ev.amount,
                ev.account_value,
                p.after_tax_basis,
                ev.to_traditional_ira,
                ev.to_roth_ira,
                ev.to_cash,
                policy.ratio_precision,
            )
            p.after_tax_basis = max(p.after_tax_basis - split.after_tax, ZERO)
            res.plan_distributions.append(PlanDistributionOut(ev, split))
            if split.trad_after_tax > 0:
                state.ira_basis += split.trad_after_tax
                state.ira_basis_events.append(ev.id)
            if split.roth_taxable > 0 or split.roth_nontaxable > 0:
                _add_layer(
                    state, res, y, "plan_rollover", split.roth_taxable, split.roth_nontaxable, ev.id
                )
            if split.cash_taxable > 0:
                early = person.born is None or ev.date < age_59_and_a_half(person.born)
                res.warnings.append(
                    f"{ev.id}: not supported: the 10% on an early plan distribution (taxable "
                    f"{split.cash_taxable}): Form 5329 line 1 leaves it out; the plan "
                    "exceptions (separation from service at 55, §72(t)(2)(A)(v)) are not tracked"
                    if early
                    else f"{ev.id}: {split.cash_taxable} of pretax money paid in cash is taxable"
                )
        elif isinstance(ev, InPlanRothRollover):
            p = state.plan(ev.plan)
            s = split_irr(
                ev.amount,
                y,
                p.after_tax_basis,
                ev.account_value,
                ev.taxable,
                policy.ratio_precision,
            )
            if s.nontaxable > p.after_tax_basis:
                res.warnings.append(
                    f"{ev.id}: nontaxable part {s.nontaxable} exceeds the plan's recorded after-tax "
                    f"basis {p.after_tax_basis}"
                )
            p.after_tax_basis = max(p.after_tax_basis - s.nontaxable, ZERO)
            p.designated_roth_basis += ev.amount
            from .state import IrrLayer

            p.irr_layers.append(IrrLayer(ev.id, y, s.taxable, s.nontaxable))
            res.irrs.append(IrrOut(ev, s.taxable, s.nontaxable, s.clock_ends))
        elif isinstance(ev, DesignatedRothRollover):
            _designated_roth_rollover(state, res, y, ev, policy)


def _designated_roth_rollover(state, res, y, ev: DesignatedRothRollover, policy: Policy) -> None:
    """Reg. 1.408A-10 A-3(a): a qualified DRAC distribution rolled over is all basis; a
    nonqualified one brings only its investment in the contract (1099-R box 5) as basis,
    the rest is earnings. The Roth IRA clock starts no later than the rollover year."""
    p = state.plan(ev.plan)
    if ev.qualified:
        basis = ev.amount
    elif ev.basis is not None:
        basis = ev.basis
    else:
        basis = min(p.designated_roth_basis, ev.amount)
        res.warnings.append(
            f"{ev.id}: basis (1099-R box 5) not given; used the plan's recorded investment in the "
            f"contract, {basis}"
        )
    res.drrs.append((ev, basis))
    left = basis
    if not ev.qualified:
        for layer in p.irr_layers:
            if left <= 0:
                break
            take = min(layer.taxable_remaining, left)
            if take <= 0:
                continue
            layer.taxable_remaining -= take
            left -= take
            if policy.irr_recapture == "carry":
                state.drr.append(
                    Bucket(
                        "designated_roth_rollover",
                        y,
                        "taxable",
                        layer.year,
                        take,
                        [ev.id, layer.event_id],
                    )
                )
            else:
                left += take  # 'none': the amount is ordinary rollover basis
    if left > 0:
        state.drr.append(Bucket("designated_roth_rollover", y, "nontaxable", None, left, [ev.id]))
    p.designated_roth_basis = max(p.designated_roth_basis - basis, ZERO)
    state.start_clock(y, (ev.id,))


@dataclass(slots=True)
class _IraFlows:
    """One year's traditional-IRA distributions by what they are (Form 8606 line 7)."""

    ordinary: Decimal = ZERO  # amounts less the claimed QCD and HSA funding parts
    qcd: Decimal = ZERO
    hsa_funding: Decimal = ZERO
    disaster: Decimal = ZERO
    disaster_ids: list[str] = field(default_factory=list)
    hsa_ids: list[str] = field(default_factory=list)
    repaid_same_year: Decimal = ZERO
    repayments: list[IraDisasterRepayment] = field(default_factory=list)
    excess_withdrawn: Decimal = ZERO  # §408(d)(5), within the carried excess


#: the flows of a year without distributions, repayments or deductible contributions
#: (what _ira_flows gives then; read only, never changed)
_NO_FLOWS = _IraFlows()


def _ira_flows(person, state, res, y, evs) -> _IraFlows:
    """The year's distributions split as Form 8606 line 7 needs them, the QCD limit
    applied, and the warnings for what the ledger does not compute
    (:mod:`ledger.rules.ira_exclusions`)."""
    f = _IraFlows()
    for ev in evs:
        if isinstance(ev, IraDistribution):
            q, h, back = ev.qcd or ZERO, ev.hsa_funding or ZERO, ev.excess_withdrawn or ZERO
            f.ordinary += ev.amount - q - h - back
            f.excess_withdrawn += back
            f.qcd += q
            f.hsa_funding += h
            if h > 0:
                f.hsa_ids.append(ev.id)
            if ev.disaster:
                f.disaster += ev.amount
                f.disaster_ids.append(ev.id)
        elif isinstance(ev, IraContribution) and ev.deductible and person.born is not None:
            state.qcd_offset += excl.offset_added(y, ev.amount, age_70_and_a_half(person.born))
        elif isinstance(ev, IraDisasterRepayment):
            f.repayments.append(ev)
    if f.excess_withdrawn > 0:
        carried = state.excess.traditional  # last year's Form 5329 line 16, if taxed
        over = max(f.excess_withdrawn - carried, ZERO)
        f.excess_withdrawn -= over
        res.prior_excess_withdrawn = f.excess_withdrawn
        if over > 0:
            f.ordinary += over
            res.warnings.append(
                f"{y}: {fmt_table(over)} withdrawn as an earlier year's excess is more than the "
                f"excess carried into {y} ({fmt_table(carried)}, Form 5329 line 9): it is an "
                "ordinary distribution (Form 8606 line 7), not a §408(d)(5) withdrawal"
            )
        if state.ira_basis > 0:
            res.warnings.append(
                f"{y}: not supported: if the withdrawn excess ({fmt_table(f.excess_withdrawn)}) "
                "was counted as a nondeductible contribution, take it off the IRA basis "
                "(Instructions for Form 8606, line 2: a return of excess contributions); the "
                "ledger does not"
            )
    for ev in f.repayments:
        if ev.target in f.disaster_ids:
            f.repaid_same_year += ev.amount
    if f.qcd > 0:
        f.qcd, over = excl.within_limit(f.qcd, yearly.qcd_limit(y))
        if over > 0:
            f.ordinary += over
            res.warnings.append(
                f"{y}: qualified charitable distributions over the {y} limit of "
                f"{fmt_table(yearly.qcd_limit(y))} (IRC §408(d)(8)(A)): {fmt_table(over)} is "
                "an ordinary distribution (Form 8606 line 7)"
            )
    if len(f.hsa_ids) > 1:
        res.warnings.append(
            f"{y}: {len(f.hsa_ids)} HSA funding distributions ({', '.join(f.hsa_ids)}): a "
            "second one is allowed only in the year self-only HSA coverage becomes family "
            "coverage (IRC §408(d)(9)(C)(ii)(II)); check it"
        )
    if f.hsa_ids:
        res.warnings.append(
            f"{y}: not checked: the HSA funding distribution ({', '.join(f.hsa_ids)}) is at "
            "most the year's HSA contribution limit less other HSA contributions, and the "
            "HSA coverage must last the testing period (IRC §408(d)(9)(C)(i); Form 8889 "
            "lines 10 and 18)"
        )
    if f.disaster_ids or f.repayments:
        res.warnings.append(
            f"{y}: not supported: Form 8915-F is not computed: qualified disaster "
            "distributions (Form 8606 line 15b) are taxed there, a third in each of three "
            "years unless you elect the whole in the first, less repayments within 3 years "
            "(IRC §72(t)(11)(C)); line 15b is not in the taxable income shown"
        )
    if f.repayments and state.ira_basis > 0:
        res.warnings.append(
            f"{y}: not supported: the part of a disaster repayment "
            f"({', '.join(r.id for r in f.repayments)}) that returns nondeductible "
            "contributions adds to the IRA basis (Instructions for Form 8606 (2008), line 1); "
            "the ledger does not add it"
        )
    return f


def _ira(
    person, state, res, y, evs, conversions, policy, as_of, later=None, full=True
) -> Decimal | None:
    """Form 8606 Parts I-II of ``y`` into ``res.ira`` (with the events behind its lines
    and its warnings) and the state; returns line 15c, None without a Form 8606.
    ``full=False`` (a year no report shows) works out only what the year carries on
    (:func:`form8606_carry`: the same state and line 15c) and leaves ``res.ira`` None.
    ``later``: the value recharacterizations made after Dec 31 of ``y`` moved into
    (plus) or out of (minus) the traditional IRAs, for amounts of ``y``: line 6 takes them
    into account (Instructions for Form 8606, line 6)."""
    line1 = line4 = ZERO
    ye = None
    contributions: list[str] = []
    late: list[str] = []
    distributions: list[str] = []
    ye_ids: list[str] = []
    flowing = False  # an event _ira_flows reads (else its flows are all none)
    for ev in evs:
        kind = type(ev)
        if kind is IraContribution:
            if not ev.deductible:
                line1 += ev.amount
                contributions.append(ev.id)
                if ev.date.year > y:
                    line4 += ev.amount
                    late.append(ev.id)
            else:
                flowing = True
        elif kind is IraDistribution:
            distributions.append(ev.id)
            flowing = True
        elif kind is IraYearEndValue:
            ye = ev.value
            ye_ids = [ev.id]
        elif kind is IraDisasterRepayment:
            flowing = True
    if ye is not None and later:
        ye = max(ZERO, ye + later[0])
        ye_ids += list(later[1])
    flows = _ira_flows(person, state, res, y, evs) if flowing else _NO_FLOWS
    if line1 == 0 and flows.ordinary == 0 and flows.qcd == 0 and flows.hsa_funding == 0:
        if not conversions:
            return None
    figures: Figures = (
        person.id,
        y,
        line1,
        line4,
        state.ira_basis,
        ye,
        flows.ordinary,
        tuple((c.id, c.amount, c.taxable) for c in conversions),
        flows.qcd,
        flows.hsa_funding,
        state.qcd_offset,
        flows.disaster,
        flows.repaid_same_year,
    )
    try:
        if full:
            out = form8606_ira(year_in(figures), policy.ratio_precision, policy.rounding)
            basis, splits, taxable, excluded = carried_of(out)
        else:
            basis, splits, taxable, excluded = form8606_carry(
                *figures, policy.ratio_precision, policy.rounding
            )
    except MissingFact:
        if as_of is not None and as_of.year == y and as_of < date(y, 12, 31):
            res.warnings.append(
                f"{y}: the taxable part of this year's conversions is known only at year end "
                "(Form 8606 line 6); they are left out of the layers until then"
            )
            return None
        raise
    if excluded is not None:
        state.qcd_offset -= excluded.offset_used
    if full:
        res.ira = out
        if excluded is not None:
            _exclusion_warnings(res, y, excluded)
        res.ira_events = {
            "contributions": tuple(contributions),
            "late_contributions": tuple(late),
            "distributions": tuple(distributions),
            "year_end_value": tuple(ye_ids),
            "repayments": tuple(r.id for r in flows.repayments if r.target in flows.disaster_ids),
            "prior_basis": tuple(state.ira_basis_events),
            "conversions": tuple(c.id for c in conversions),
        }
        res.warnings.extend(out.warnings)
    state.ira_basis = basis
    state.ira_basis_events = (
        list(dict.fromkeys(state.ira_basis_events + contributions)) if basis > 0 else []
    )
    state.conversion_splits.update(splits)
    if y in SCHEDULES:
        for c in conversions:
            if not c.elect_out_of_spread:
                spread = state.spreads.setdefault(y, SpreadState())
                spread.total += splits[c.id][0]
                spread.layer_years.add(c.date.year)
                spread.event_ids.append(c.id)
                res.spread_deferred += splits[c.id][0]
    return taxable


def _early_traditional(
    person: PersonFacts, res: YearResult, evs: list, line15c: Decimal | None = None
) -> tuple[TraditionalDistribution, ...]:
    """The year's traditional IRA distributions made before 59½ (or claiming an
    exception), each with its share of Form 8606 line 15c (:func:`distribution_shares`;
    ``line15c`` None: ``res.ira``'s), for Form 5329 Part I. A part excluded (QCD, HSA
    funding, a withdrawn excess) or rolled over is not income and not in its share."""
    if line15c is None:
        if res.ira is None:
            return ()
        line15c = res.ira.taxable_distributions
    dists = [e for e in evs if isinstance(e, IraDistribution)]
    if not dists:
        return ()
    if person.born is None:
        if any(d.exception for d in dists):
            return ()  # the Roth side says the birth date is missing when it needs it
        res.warnings.append(
            f"{res.year}: not supported: the 10% additional tax on traditional IRA "
            "distributions (Form 5329 line 1) needs the person's birth date (59½)"
        )
        return ()
    age59 = age_59_and_a_half(person.born)
    parts = [
        (
            d.amount - (d.qcd or ZERO) - (d.hsa_funding or ZERO) - (d.excess_withdrawn or ZERO),
            bool(d.disaster),
        )
        for d in dists
    ]
    shares = distribution_shares(line15c, parts)
    return tuple(
        TraditionalDistribution(d.id, d.date, d.amount, share, d.exception, bool(d.disaster))
        for d, share in zip(dists, shares)
        if d.date < age59 or d.exception
    )


def _accelerable(state: PersonState, y: int) -> bool:
    """Whether this year's draws can accelerate deferred 1998/2010 conversion income
    (:func:`_spread_income` reads them only in a spread's years before its last): then
    the year needs the full withdrawal report, not only the basis it consumes."""
    for income_year, spread in state.spreads.items():
        if income_year <= y < last_year(income_year) and spread.total > 0:
            return True
    return False


def _exclusion_warnings(res: YearResult, y: int, x: excl.Excluded) -> None:
    if x.not_income_first > 0:
        res.warnings.append(
            f"{y}: {fmt_table(x.not_income_first)} of the qualified charitable / HSA funding "
            "distributions is more than would have been income (the IRA basis): it is not "
            "excluded and is on Form 8606 line 7 (IRC §408(d)(8)(D), (d)(9)(D))"
        )
    if x.offset_used > 0:
        res.warnings.append(
            f"{y}: {fmt_table(x.offset_used)} of the qualified charitable distributions is "
            "not excluded: deductible IRA contributions made for years from age 70½ reduce "
            "it (IRC §408(d)(8)(A), SECURE Act 2019 §107); it is on Form 8606 line 7"
        )


def _spread_income(
    state: PersonState, res: YearResult, y: int, takes: list[Take] | None = None
) -> None:
    """The year's share of deferred 1998/2010 conversion income, accelerated by this
    year's distributions of the taxable part of those layers (§408A(d)(3)(E)): their
    draws in ``res.withdrawals``, or, for a year whose withdrawals are not made
    (:func:`.withdrawals.drawn_year`), the ordering walk's ``takes`` -- the draws of
    :func:`roth_year` share each bucket's take among the distributions, so the draws
    from a bucket add up to its take."""
    for income_year, spread in state.spreads.items():
        if not income_year <= y <= last_year(income_year) or spread.total <= 0:
            continue
        accelerated = ZERO
        if res.withdrawals is not None and y < last_year(income_year):
            accelerated = sum(
                (
                    d.amount
                    for d in res.withdrawals.draws
                    if d.source == "conversion"
                    and d.portion == "taxable"
                    and d.year in spread.layer_years
                ),
                ZERO,
            )
        elif takes and y < last_year(income_year):
            accelerated = sum(
                (
                    t.amount
                    for t in takes
                    if t.bucket is not None
                    and t.bucket.source == "conversion"
                    and t.bucket.portion == "taxable"
                    and t.bucket.year in spread.layer_years
                ),
                ZERO,
            )
        amount = inclusion(spread.total, income_year, y, spread.included, accelerated)
        spread.included += amount
        res.spread_included += amount


def _add_layer(state, res, y, source, taxable, nontaxable, event_id, kept=True) -> None:
    """A conversion or plan-rollover layer received in ``y``: its two buckets (made as
    :meth:`PersonState.conv_bucket` would), ``res.layers_added`` and the 5-year clock.
    Not ``kept`` (a year no report shows): a conversion is not listed in
    ``res.layers_added``, where only the plan rollovers are read
    (:func:`_received_elsewhere`)."""
    conv = state.conv
    for portion, amt in (("taxable", taxable), ("nontaxable", nontaxable)):
        key = (y, source, portion)
        b = conv.get(key)
        if b is None:
            conv[key] = Bucket(source, y, portion, y, ZERO + amt, [event_id], CITE_CONVERSION)
            continue
        b.remaining += amt
        b.citation = CITE_CONVERSION
        if event_id not in b.event_ids:
            b.event_ids.append(event_id)
    if kept or source != "conversion":
        for la in res.layers_added:
            if la.source == source and la.year == y:
                res.layers_added.remove(la)
                res.layers_added.append(
                    LayerAdded(
                        source,
                        y,
                        la.taxable + taxable,
                        la.nontaxable + nontaxable,
                        la.clock_ends,
                        la.event_ids + (event_id,),
                    )
                )
                break
        else:
            res.layers_added.append(
                LayerAdded(source, y, taxable, nontaxable, clock_ends(y), (event_id,))
            )
    if state.clock_start is None or y <= state.clock_start:  # else start_clock does nothing
        state.start_clock(y, (event_id,))


def _roth_inflows(
    state: PersonState,
    res: YearResult,
    y: int,
    evs: list,
    over_529: Mapping[str, tuple[int, Decimal]] = EMPTY_OVER,
    kept: bool = True,
) -> Decimal:
    """Regular contributions for ``y`` and conversions received in ``y``; returns the
    dollars these events added to Roth IRAs this year (for the year-end-value sanity
    check, with :func:`_received_elsewhere`). ``over_529``: :func:`over_lifetime` of the
    events, the 529-to-Roth rollovers split at the lifetime limit. ``kept``: as
    :func:`_add_layer`'s."""
    added = ZERO
    returns = False
    for ev in evs:
        kind = type(ev)
        if kind is RothContribution:
            b = state.regular_bucket(ev.tax_year)
            b.remaining += ev.amount
            b.event_ids.append(ev.id)
            added += ev.amount
        elif kind is RothConversion:
            split = state.conversion_splits.get(ev.id)
            if split is None:
                continue  # pending until its income year's Form 8606 can be computed
            _add_layer(state, res, y, "conversion", split[0], split[1], ev.id, kept)
            added += ev.amount
        elif kind is Roth529Rollover:
            # §408A(e)(1): the 529's contributions are contribution basis, its earnings
            # Roth earnings (no bucket: what no layer holds is earnings)
            basis = ev.amount if ev.basis is None else min(ev.basis, ev.amount)
            if ev.basis is None:
                res.warnings.append(no_basis_warning(ev, over_529.get(ev.id)))
            b = state.regular_bucket(ev.effective_tax_year)
            b.remaining += basis
            b.event_ids.append(ev.id)
            added += ev.amount
        elif kind is RothSepSimpleContribution:
            b = state.regular_bucket(ev.date.year)  # clock: the year received
            b.remaining += ev.amount
            b.event_ids.append(ev.id)
            added += ev.amount
        elif kind is RothContributionReturn:
            returns = True  # after every contribution of the year
    if returns:
        for ev in evs:
            if type(ev) is RothContributionReturn:
                b = state.regular_bucket(ev.tax_year)
                if ev.amount > b.remaining:
                    res.warnings.append(
                        f"{ev.id}: returned {ev.amount} but only {b.remaining} was contributed for {ev.tax_year}"
                    )
                b.remaining = max(b.remaining - ev.amount, ZERO)
                b.event_ids.append(ev.id)
                res.returned_earnings += ev.earnings
                added -= ev.amount
    # only a bucket of the year with dollars in it starts the clock (start_clock does
    # nothing for a year after the clock's)
    if state.clock_start is None or y <= state.clock_start:
        regular = state.regular.get(y)  # the buckets are keyed by their tax year
        if regular is not None and regular.remaining > 0:
            state.start_clock(y, regular.event_ids)
    return added


def _received_elsewhere(state: PersonState, res: YearResult, y: int) -> Decimal:
    """The rest of the dollars added to Roth IRAs in ``y``: designated Roth and plan
    rollovers (step 1). Asked only when the year's withdrawal report is made: nothing
    between :func:`_roth_inflows` and it changes these."""
    added = ZERO
    for b in state.drr:
        added += b.remaining if b.year == y else ZERO
    for la in res.layers_added:
        if la.source == "plan_rollover":
            added += la.taxable + la.nontaxable
    return added
