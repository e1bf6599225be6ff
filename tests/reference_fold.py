"""The per-person year loop as it was before the state-only pass (main at 7ece58d):
``compute_person`` with its own event table, kept as the reference the fast loop in
:mod:`ledger.projections.person` is compared with (tests/test_fold_reference.py). It calls
the same per-step functions for employer plans, withdrawals and spreads, and its own
copies, as they were at d52886a, of the steps the fast loop made cheaper for the years
no report shows (Form 8606 ``_ira``, ``_early_traditional``, Form 5329 ``_excess``,
``_roth_inflows`` and ``_add_layer``, the plans' layers too): it checks the loop -- which
years are folded, in which order, what each step is given, what is kept -- and those
steps, not the rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from unittest import mock

from ledger.dates import age_59_and_a_half
from ledger.errors import MissingFact
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
from ledger.money import ZERO
from ledger.projections import person as fast
from ledger.projections.duplicates import duplicates_by_year
from ledger.projections.excess import YearContributions, excess_step, over_limits
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
    LayerAdded,
    PersonLedger,
    YearResult,
    _accelerable,
    _exclusion_warnings,
    _ira_flows,
    _plans,
    _received_elsewhere,
    _spread_income,
)
from ledger.projections.recharacterize import (
    apply_recharacterizations,
    recharacterized_later,
    whole_notes,
)
from ledger.projections.rollover_529 import (
    EMPTY_OVER,
    apply_529_lifetime,
    no_basis_warning,
    over_lifetime,
)
from ledger.projections.rollovers import apply_rollovers
from ledger.projections.state import PersonState, SpreadState, snapshot
from ledger.projections.withdrawals import consume_year, plain_withdrawals, roth_year
from ledger.rules.conversion_spread import SCHEDULES
from ledger.rules.ira_pro_rata import ConversionIn, IraYearIn, distribution_shares, form8606_ira
from ledger.rules.ordering import CITE_CONVERSION
from ledger.rules.policy import DEFAULT_POLICY, Policy
from ledger.rules.recapture import clock_ends
from ledger.rules.roth_distributions import TraditionalDistribution


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
        if evs.plan:  # (its layers by _add_layer as it was)
            with mock.patch.object(fast, "_add_layer", _add_layer):
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


# --- the steps as they were (ledger.projections.person at d52886a) --------------------


def _excess(
    person: PersonFacts,
    state: PersonState,
    res: YearResult,
    y: int,
    evs,
    roth_ye,
    reported: bool = True,
) -> None:
    """Form 5329 Parts III-IV for ``y`` (:mod:`.excess`). A year not ``reported`` (a
    batch's earlier years) with nothing carried in and no excess of its own is not worked
    through the form: it would owe and carry nothing, and say nothing."""
    carried = state.excess.traditional > 0 or state.excess.roth > 0
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
        res.ira.taxable_distributions if res.ira else ZERO,
        sum((d.amount for d in evs.distributions), ZERO),
        ira_ye,
        roth_ye,
        res.warnings,
        res.prior_excess_withdrawn,
    )


def _ira(person, state, res, y, evs, conversions, policy, as_of, later=None) -> None:
    """``later``: the value recharacterizations made after Dec 31 of ``y`` moved into
    (plus) or out of (minus) the traditional IRAs, for amounts of ``y``: line 6 takes them
    into account (Instructions for Form 8606, line 6)."""
    line1 = line4 = ZERO
    ye = None
    ids: dict[str, list[str]] = {
        k: []
        for k in (
            "contributions",
            "late_contributions",
            "distributions",
            "year_end_value",
            "repayments",
        )
    }
    for ev in evs:
        if isinstance(ev, IraContribution) and not ev.deductible:
            line1 += ev.amount
            ids["contributions"].append(ev.id)
            if ev.date.year > y:
                line4 += ev.amount
                ids["late_contributions"].append(ev.id)
        elif isinstance(ev, IraDistribution):
            ids["distributions"].append(ev.id)
        elif isinstance(ev, IraYearEndValue):
            ye = ev.value
            ids["year_end_value"] = [ev.id]
    if ye is not None and later:
        ye = max(ZERO, ye + later[0])
        ids["year_end_value"] += list(later[1])
    flows = _ira_flows(person, state, res, y, evs)
    ids["repayments"] = [r.id for r in flows.repayments if r.target in flows.disaster_ids]
    if line1 == 0 and flows.ordinary == 0 and flows.qcd == 0 and flows.hsa_funding == 0:
        if not conversions:
            return
    inp = IraYearIn(
        person.id,
        y,
        line1,
        line4,
        state.ira_basis,
        ye,
        flows.ordinary,
        tuple(ConversionIn(c.id, c.amount, c.taxable) for c in conversions),
        flows.qcd,
        flows.hsa_funding,
        state.qcd_offset,
        flows.disaster,
        flows.repaid_same_year,
    )
    try:
        out = form8606_ira(inp, policy.ratio_precision, policy.rounding)
    except MissingFact:
        if as_of is not None and as_of.year == y and as_of < date(y, 12, 31):
            res.warnings.append(
                f"{y}: the taxable part of this year's conversions is known only at year end "
                "(Form 8606 line 6); they are left out of the layers until then"
            )
            return
        raise
    res.ira = out
    if out.excluded is not None:
        state.qcd_offset -= out.excluded.offset_used
        _exclusion_warnings(res, y, out.excluded)
    res.ira_events = {
        **{k: tuple(v) for k, v in ids.items()},
        "prior_basis": tuple(state.ira_basis_events),
        "conversions": tuple(c.id for c in conversions),
    }
    res.warnings.extend(out.warnings)
    state.ira_basis = out.basis_carried
    state.ira_basis_events = (
        list(dict.fromkeys(state.ira_basis_events + ids["contributions"]))
        if out.basis_carried > 0
        else []
    )
    state.conversion_splits.update(out.conversions)
    if y in SCHEDULES:
        for c in conversions:
            if not c.elect_out_of_spread:
                spread = state.spreads.setdefault(y, SpreadState())
                spread.total += out.conversions[c.id][0]
                spread.layer_years.add(c.date.year)
                spread.event_ids.append(c.id)
                res.spread_deferred += out.conversions[c.id][0]


def _early_traditional(
    person: PersonFacts, res: YearResult, evs: list
) -> tuple[TraditionalDistribution, ...]:
    """The year's traditional IRA distributions made before 59½ (or claiming an
    exception), each with its share of Form 8606 line 15c (:func:`distribution_shares`),
    for Form 5329 Part I. A part excluded (QCD, HSA funding, a withdrawn excess) or rolled
    over is not income and not in its share."""
    dists = [e for e in evs if isinstance(e, IraDistribution)]
    if not dists or res.ira is None:
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
    shares = distribution_shares(res.ira.taxable_distributions, parts)
    return tuple(
        TraditionalDistribution(d.id, d.date, d.amount, share, d.exception, bool(d.disaster))
        for d, share in zip(dists, shares)
        if d.date < age59 or d.exception
    )


def _add_layer(state, res, y, source, taxable, nontaxable, event_id) -> None:
    for portion, amt in (("taxable", taxable), ("nontaxable", nontaxable)):
        b = state.conv_bucket(y, source, portion)
        b.remaining += amt
        b.citation = CITE_CONVERSION
        if event_id not in b.event_ids:
            b.event_ids.append(event_id)
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
    state.start_clock(y, (event_id,))


def _roth_inflows(
    state: PersonState,
    res: YearResult,
    y: int,
    evs: list,
    over_529: Mapping[str, tuple[int, Decimal]] = EMPTY_OVER,
) -> Decimal:
    """Regular contributions for ``y`` and conversions received in ``y``; returns the
    dollars these events added to Roth IRAs this year (for the year-end-value sanity
    check, with :func:`_received_elsewhere`). ``over_529``: :func:`over_lifetime` of the
    events, the 529-to-Roth rollovers split at the lifetime limit."""
    if not evs:  # nothing flows in: only a bucket of the year already there starts a clock
        regular = state.regular.get(y)  # the buckets are keyed by their tax year
        if regular is not None and regular.remaining > 0:
            state.start_clock(y, regular.event_ids)
        return ZERO
    added = ZERO
    for ev in evs:
        if isinstance(ev, RothContribution):
            b = state.regular_bucket(ev.tax_year)
            b.remaining += ev.amount
            b.event_ids.append(ev.id)
            added += ev.amount
        elif isinstance(ev, Roth529Rollover):
            # §408A(e)(1): the 529's contributions are contribution basis, its earnings
            # Roth earnings (no bucket: what no layer holds is earnings)
            basis = ev.amount if ev.basis is None else min(ev.basis, ev.amount)
            if ev.basis is None:
                res.warnings.append(no_basis_warning(ev, over_529.get(ev.id)))
            b = state.regular_bucket(ev.effective_tax_year)
            b.remaining += basis
            b.event_ids.append(ev.id)
            added += ev.amount
        elif isinstance(ev, RothSepSimpleContribution):
            b = state.regular_bucket(ev.date.year)  # clock: the year received
            b.remaining += ev.amount
            b.event_ids.append(ev.id)
            added += ev.amount
        elif isinstance(ev, RothConversion):
            split = state.conversion_splits.get(ev.id)
            if split is None:
                continue  # pending until its income year's Form 8606 can be computed
            _add_layer(state, res, y, "conversion", split[0], split[1], ev.id)
            added += ev.amount
    for ev in evs:
        if isinstance(ev, RothContributionReturn):
            b = state.regular_bucket(ev.tax_year)
            if ev.amount > b.remaining:
                res.warnings.append(
                    f"{ev.id}: returned {ev.amount} but only {b.remaining} was contributed for {ev.tax_year}"
                )
            b.remaining = max(b.remaining - ev.amount, ZERO)
            b.event_ids.append(ev.id)
            res.returned_earnings += ev.earnings
            added -= ev.amount
    regular = state.regular.get(y)
    if regular is not None and regular.remaining > 0:
        state.start_clock(y, regular.event_ids)
    return added


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
