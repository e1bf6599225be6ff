"""Fold a household's stored events into plain facts: people and their active events.

A pure fold (STYLE.md example 2): no validation, no clock, no id generation. ``void``
events cancel their target (a void can itself be voided, which restores the target;
:mod:`ledger.voids` decides); both stay in the history. ``person_added`` events: the latest record of a person wins.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import cast

from ..dataclass import dataclass
from ..errors import MissingFact, NotFound
from ..events import (
    Event,
    HouseholdNamed,
    PersonAdded,
    PersonDied,
    PersonDisabled,
    RothInherited,
    Void,
)
from ..voids import voided_ids


@dataclass(frozen=True, slots=True)
class Inheritance:
    """A Roth IRA the person inherited (``roth_inherited``): the decedent's facts, the
    person's share and whether the surviving spouse treats it as her own."""

    event: RothInherited
    decedent: PersonFacts

    @property
    def percent(self) -> Decimal:
        return self.event.percent

    @property
    def treat_as_own(self) -> bool:
        return self.event.treat_as_own


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """One person's facts (name, birth, death, disability) and active events."""

    id: str
    name: str | None
    born: date | None
    died_on: date | None
    disabled_on: date | None
    events: tuple[Event, ...]  # active, non-internal events in recorded order
    inherited: tuple[Inheritance, ...] = ()  # Roth IRAs inherited, in recorded order

    def require_born(self) -> date:
        if self.born is None:
            raise MissingFact(f"birth date of person {self.id!r} (record a person with --born)")
        return self.born


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    """A household's name, people and voided event ids, read from its events."""

    id: str
    name: str | None
    people: dict[str, PersonFacts]
    voided: frozenset[str]

    def person(self, person_id: str) -> PersonFacts:
        try:
            return self.people[person_id]
        except KeyError:
            known = ", ".join(sorted(self.people)) or "none"
            raise NotFound(
                f"no person {person_id!r} in household {self.id!r} (people: {known})"
            ) from None


def fold(household: str, events: Iterable[Event]) -> HouseholdFacts:
    """The household's facts. One pass over the events as if none were voided; only a
    household with a ``void`` among them is gone through again, knowing which are."""
    events = events if type(events) is list else list(events)
    voided: frozenset[str] = frozenset()
    found = _gather(events, None)
    if found is None:  # a void: which events it cancels decides what is in force
        voided = voided_ids(events)
        found = _gather(events, voided)
        assert found is not None
    name, persons, by_person, inherits = found
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
    return HouseholdFacts(
        household, name, _with_inheritances(people) if inherits else people, voided
    )


#: the kinds :func:`_gather` looks at for more than their person
_APART = frozenset({Void, HouseholdNamed, PersonAdded, PersonDied, PersonDisabled, RothInherited})


def _gather(events: list[Event], voided: frozenset[str] | None):
    """(household name, each person's facts in order of first mention, each person's
    events in force, whether one inherits a Roth IRA); None when a ``void`` is met
    and ``voided`` is not known (None: as if there were no void)."""
    name = None
    persons: dict[str, dict] = {}
    by_person: dict[str, list[Event]] = {}
    inherits = False
    for ev in events:  # event classes are final: their type says their kind
        kind = type(ev)
        if kind in _APART:
            if kind is Void:
                if voided is None:
                    return None
                continue
            if voided and ev.id in voided:
                continue
            if kind is HouseholdNamed:
                name = cast(HouseholdNamed, ev).name
                continue
            if kind is PersonAdded:
                added = cast(PersonAdded, ev)
                persons.setdefault(added.person, {}).update(name=added.name, born=added.born)
                continue
            who = cast(PersonDied, ev).person
            p = persons.setdefault(who, {})
            if kind is PersonDied:
                died = cast(PersonDied, ev).date
                p["died_on"] = min(p.get("died_on") or died, died)
            elif kind is PersonDisabled:
                disabled = cast(PersonDisabled, ev).date
                p["disabled_on"] = min(p.get("disabled_on") or disabled, disabled)
            else:
                inherits = True
            by_person.setdefault(who, []).append(ev)
            continue
        if voided and ev.id in voided:
            continue
        pid = getattr(ev, "person", None)
        if pid is None:
            continue
        held = by_person.get(pid)
        if held is None:
            by_person[pid] = [ev]
            if pid not in persons:  # first mentioned here: its place among the people
                persons[pid] = {}
        else:
            held.append(ev)
    return name, persons, by_person, inherits


def _with_inheritances(people: dict[str, PersonFacts]) -> dict[str, PersonFacts]:
    """Each beneficiary's facts with the decedents' facts (themselves with theirs: a
    chain of decedents is followed; a loop, which validation refuses, is cut)."""
    if not any(type(e) is RothInherited for p in people.values() for e in p.events):
        return people
    done: dict[str, PersonFacts] = {}

    def build(pid: str, seen: frozenset[str]) -> PersonFacts:
        if pid in done:
            return done[pid]
        base = people[pid]
        inherited = tuple(
            Inheritance(e, build(e.decedent, seen | {pid}))
            for e in base.events
            if type(e) is RothInherited and e.decedent in people and e.decedent not in seen
        )
        out = base if not inherited else dataclasses.replace(base, inherited=inherited)
        done[pid] = out
        return out

    return {pid: build(pid, frozenset()) for pid in people}
