"""The per-person year loop as it was before the state-only pass (main at 7ece58d):
``compute_person`` with its own event table, kept as the reference the fast loop in
:mod:`ledger.projections.person` is compared with (tests/test_fold_reference.py). It calls
the same per-step functions (employer plans, Form 8606, Roth inflows, Form 5329...), so
it checks the loop -- which years are folded, in which order, what each step is given,
what is kept -- not the rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ledger.events import (
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
from ledger.projections.duplicates import duplicates_by_year
from ledger.projections.facts import PersonFacts
from ledger.projections.inherited import (
    at_death,
    inherited_account,
    is_inherited,
    merge_into,
    share_of,
)
from ledger.projections.limits import lifetime_warning
from ledger.projections.person import (
    PersonLedger,
    YearResult,
    _accelerable,
    _early_traditional,
    _excess,
    _ira,
    _plans,
    _received_elsewhere,
    _roth_inflows,
    _spread_income,
)
from ledger.projections.recharacterize import (
    apply_recharacterizations,
    recharacterized_later,
    whole_notes,
)
from ledger.projections.rollover_529 import apply_529_lifetime, over_lifetime
from ledger.projections.rollovers import apply_rollovers
from ledger.projections.state import PersonState, snapshot
from ledger.projections.withdrawals import consume_year, plain_withdrawals, roth_year
from ledger.rules.policy import DEFAULT_POLICY, Policy


def decedent_state(decedent: PersonFacts, policy: Policy) -> PersonState:
    died = decedent.died_on
    assert died is not None
    return compute_person(at_death(decedent), died.year, policy, with_snapshot=False).final_state


def _inherited_ledger(person, inh, through_year, policy, as_of, report_years, with_snapshot):
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
    events = apply_rollovers(apply_recharacterizations(own) if recharacterized else own)
    if as_of is not None:
        events = tuple(e for e in events if e.effective_date is None or e.effective_date <= as_of)
    over_529 = over_lifetime(events) if Roth529Rollover in kinds else {}
    if over_529:
        events = apply_529_lifetime(events)
    by_year: dict[int, _YearEvents] = {}
    income_year_conv: dict[int, list[RothConversion]] = {}
    for ev in events:
        place = _PLACE.get(type(ev))
        if place is None:  # not a flow (a birth, a disability...): its year still counts
            d = getattr(ev, "date", None)
            if d is not None and d.year not in by_year:
                by_year[d.year] = _YearEvents()
            continue
        which, year_field = place
        when = getattr(ev, year_field)  # a date, or a year
        y = when.year if year_field == "date" else when
        year = by_year.get(y)
        if year is None:
            year = by_year[y] = _YearEvents()
        getattr(year, which).append(ev)
        if which == "roth" and type(ev) is RothConversion:
            income_year_conv.setdefault((ev.distributed_on or ev.date).year, []).append(ev)
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
        evs = by_year.get(y, empty)
        res = YearResult(y)
        for inflow in inflows.get(y, ()):
            merge_into(state, inflow)
        if evs.plan:
            _plans(person, state, res, y, evs.plan, policy)
        conversions = income_year_conv.get(y, ())
        if evs.ira or conversions:  # else no Form 8606 Parts I-II this year
            _ira(person, state, res, y, evs.ira, conversions, policy, as_of, later.get(y))
        added = _roth_inflows(state, res, y, evs.roth, over_529)  # (its own events' part)
        for event_id, (over_year, over) in over_529.items():
            if over_year == y:
                res.warnings.append(lifetime_warning(person.id, event_id, over))
        for ev in evs.roth_year_end:
            roth_ye[y] = ev.value
        dists = evs.distributions
        returns = (
            [e for e in evs.roth if type(e) is RothContributionReturn and e.earnings > 0]
            if evs.roth
            else []
        )  # their income may owe the 10% (Form 5329 line 1 of the year)
        trad = _early_traditional(person, res, evs.ira) if evs.ira and res.ira is not None else ()
        if dists or returns or trad:
            if (
                report_years is None
                or y in report_years
                or trad
                or _accelerable(state, y)
                or not plain_withdrawals(person, dists)
            ):
                added += _received_elsewhere(state, res, y)
                res.withdrawals = roth_year(
                    person, state, y, dists, policy, roth_ye.get(y - 1), added, returns, trad
                )
            else:
                consume_year(state, y, dists, policy)
        _excess(
            person, state, res, y, evs, roth_ye.get(y), report_years is None or y in report_years
        )
        if state.spreads:
            _spread_income(state, res, y)
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


@dataclass(slots=True)
class _YearEvents:
    """One year's events of a person, sorted once by the step that uses them (each list
    in ledger order)."""

    plan: list = field(default_factory=list)  # step 1: employer plans
    ira: list = field(default_factory=list)  # step 2: traditional IRAs
    roth: list = field(default_factory=list)  # step 3: Roth contributions and conversions
    roth_year_end: list = field(default_factory=list)
    distributions: list = field(default_factory=list)
    limits: list = field(default_factory=list)  # stated Roth limits, income facts


#: each kind of flow: the list of its year it joins, and the field giving that year (the
#: tax year for contributions, the year of a year-end value, else the year of its date)
_PLACE: dict[type, tuple[str, str]] = {
    PlanAfterTaxContribution: ("plan", "date"),
    PlanRothContribution: ("plan", "tax_year"),
    PlanDistribution: ("plan", "date"),
    InPlanRothRollover: ("plan", "date"),
    DesignatedRothRollover: ("plan", "date"),
    IraContribution: ("ira", "tax_year"),
    IraDistribution: ("ira", "date"),
    IraDisasterRepayment: ("ira", "date"),
    IraYearEndValue: ("ira", "year"),
    RothContribution: ("roth", "tax_year"),
    Roth529Rollover: ("roth", "effective_tax_year"),
    RothSepSimpleContribution: ("roth", "date"),
    RothContributionReturn: ("roth", "tax_year"),
    RothConversion: ("roth", "date"),
    RothYearEndValue: ("roth_year_end", "year"),
    RothDistribution: ("distributions", "date"),
    RothContributionLimit: ("limits", "tax_year"),
    TaxYearIncome: ("limits", "tax_year"),
}


# --- the household fold as it was (ledger.projections.facts.fold at 7ece58d) ---------

from typing import cast  # noqa: E402

from ledger.events import (  # noqa: E402
    HouseholdNamed,
    PersonAdded,
    PersonDied,
    PersonDisabled,
    Void,
)
from ledger.projections.facts import HouseholdFacts, _with_inheritances  # noqa: E402
from ledger.voids import voided_ids  # noqa: E402


def fold(household: str, events) -> HouseholdFacts:
    events = list(events)
    voided = voided_ids(events)
    name = None
    persons: dict[str, dict] = {}
    by_person: dict[str, list] = {}
    for ev in events:  # event classes are final: their type says their kind
        kind = type(ev)
        if kind is Void or ev.id in voided:
            continue
        if kind is HouseholdNamed:
            name = cast(HouseholdNamed, ev).name
        elif kind is PersonAdded:
            added = cast(PersonAdded, ev)
            persons.setdefault(added.person, {}).update(name=added.name, born=added.born)
        else:
            pid = getattr(ev, "person", None)
            if pid is None:
                continue
            p = persons.setdefault(pid, {})
            if kind is PersonDied:
                died = cast(PersonDied, ev).date
                p["died_on"] = min(p.get("died_on") or died, died)
            elif kind is PersonDisabled:
                disabled = cast(PersonDisabled, ev).date
                p["disabled_on"] = min(p.get("disabled_on") or disabled, disabled)
            by_person.setdefault(pid, []).append(ev)
    people = {
        pid: PersonFacts(
            pid,
            p.get("name"),
            p.get("born"),
            p.get("died_on"),
            p.get("disabled_on"),
            tuple(by_person.get(pid, ())),
        )
        for pid, p in persons.items()
    }
    return HouseholdFacts(household, name, _with_inheritances(people), voided)
