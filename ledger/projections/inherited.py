"""Inherited Roth IRAs in the fold (:mod:`ledger.rules.inherited` has the law).

* :func:`at_death` -- the decedent's events dated on or before the day of death (year-end
  values of that year kept), whose fold through the year of death gives the decedent's
  Roth IRA layers and clock at death (``person.decedent_state``).
* :func:`share_of` -- the beneficiary's share of each layer (Pub 590-B: each kind of
  contribution divided by the shares), with the decedent's clock.
* :func:`merge_into` -- a share joining a state: the surviving spouse who treats it as
  her own (her layers and the decedent's together, the earlier clock), or the empty state
  of a separate inherited account.
* :func:`inherited_account` -- the facts an inherited account is folded from: the
  decedent's birth and death (so every distribution is one to a beneficiary after death:
  qualified once the decedent's 5 years are met, §408A(d)(2)(A)(ii), and never under the
  10%, §72(t)(2)(A)(ii)) and the beneficiary's distributions naming the decedent.
"""

from __future__ import annotations

import dataclasses
from copy import deepcopy

from ..events import Event, RothDistribution
from ..rules.inherited import share
from ..rules.ordering import Bucket
from .facts import Inheritance, PersonFacts
from .state import PersonState


def _before_death(decedent: PersonFacts) -> tuple[Event, ...]:
    died = decedent.died_on
    assert died is not None
    out = []
    for e in decedent.events:
        day = getattr(e, "date", None)
        if day is not None:
            if day <= died:
                out.append(e)
        elif (e.effective_tax_year or died.year) <= died.year:
            out.append(e)
    return tuple(out)


def at_death(decedent: PersonFacts) -> PersonFacts:
    """The decedent's facts as of death, to fold through the year of death (the fold
    itself, :func:`ledger.projections.person.decedent_state`, gives the state)."""
    return dataclasses.replace(decedent, events=_before_death(decedent))


def _scaled(b: Bucket, percent) -> Bucket:
    return dataclasses.replace(
        b, remaining=share(b.remaining, percent), event_ids=list(b.event_ids)
    )


def share_of(state: PersonState, percent, inherit_id: str) -> PersonState:
    """The beneficiary's pro-rata share of every Roth layer of ``state``, with its clock;
    nothing else (traditional IRA basis, plans and excess carries stay the decedent's)."""
    out = PersonState()
    for year, b in state.regular.items():
        out.regular[year] = _scaled(b, percent)
        out.regular[year].event_ids.append(inherit_id)
    for key, b in state.conv.items():
        out.conv[key] = _scaled(b, percent)
        out.conv[key].event_ids.append(inherit_id)
    out.drr = [_scaled(b, percent) for b in state.drr]
    for b in out.drr:
        b.event_ids.append(inherit_id)
    out.clock_start = state.clock_start
    out.clock_events = list(state.clock_events)
    return out


def merge_into(state: PersonState, inflow: PersonState) -> None:
    """Add the inherited layers to ``state``; the earlier 5-year clock wins (Reg.
    §1.408A-6 A-7(b))."""
    inflow = deepcopy(inflow)
    for year, b in inflow.regular.items():
        mine = state.regular_bucket(year)
        mine.remaining += b.remaining
        mine.event_ids.extend(i for i in b.event_ids if i not in mine.event_ids)
    for (year, source, portion), b in inflow.conv.items():
        mine = state.conv_bucket(year, source, portion)
        mine.remaining += b.remaining
        mine.citation = b.citation
        mine.event_ids.extend(i for i in b.event_ids if i not in mine.event_ids)
    state.drr.extend(inflow.drr)
    if inflow.clock_start is not None:
        state.start_clock(inflow.clock_start, inflow.clock_events)


def is_inherited(e: Event) -> bool:
    return type(e) is RothDistribution and e.inherited_from is not None


def inherited_account(beneficiary: PersonFacts, inh: Inheritance) -> PersonFacts:
    """The facts of the inherited account: the decedent's life, the beneficiary's
    distributions from it."""
    d = inh.decedent
    mine = tuple(
        e for e in beneficiary.events if type(e) is RothDistribution and e.inherited_from == d.id
    )
    deaths = tuple(e for e in d.events if e.kind == "person_died")
    return PersonFacts(
        beneficiary.id, beneficiary.name, d.born, d.died_on, d.disabled_on, deaths + mine
    )
