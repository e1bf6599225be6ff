"""Recharacterizations applied before the fold: what the IRAs hold once each is undone.

Sources: IRC §408A(d)(6) (a contribution transferred trustee-to-trustee, with its net
income, to the other kind of IRA by the due date of the return, extensions included, is
treated as made to the transferee IRA); Treas. Reg. 1.408A-5 A-1 to A-3 (treated as
contributed to the second IRA on the date and for the year it was made to the first; the
net income goes with it; A-2: all or part of a contribution or conversion may be
recharacterized, the part with its net income attributable, Treas. Reg. §1.408-11);
§408A(d)(6)(B)(iii), added by the Tax Cuts and Jobs Act of 2017 §13611 (a conversion cannot
be recharacterized after 2017; conversions made in 2017 could still be until the 2018 due
date); Pub 590-A "Recharacterizations" (part of a contribution or conversion may be
recharacterized); Instructions for Form 8606 "Recharacterizations" (a Roth contribution
recharacterized to a traditional IRA is reported as a traditional contribution --
nondeductible here, Form 8606 line 1, the contribution without its earnings; a
recharacterized conversion is left off Part II: line 8 and line 16 are the amount
converted "not including amounts you later recharacterized", so the part that stays
converted is what Part II pro-rates over the basis, lines 16-18).

``amount`` (the part moved with its net income, 1099-R box 1) is kept for the record.
``part`` is the part of the target's own amount recharacterized, before its net income;
without it the whole target is:

* a contribution recharacterized in part is split: ``part`` becomes a contribution to the
  other kind of IRA (the recharacterization's id, same date and tax year), the rest stays
  (Instructions for Form 8606 (2015), "Recharacterizations", second example: $3,000 of a
  $4,000 traditional contribution moved with $300 of earnings; the $1,000 left is still a
  traditional contribution). ``contribution`` is the same as ``part`` for a contribution
  (the name it had first). A Roth contribution moved to a traditional IRA is
  nondeductible unless the recharacterization says ``deductible: true`` (the same
  instructions' first example: deducted, no Form 8606);
* a conversion recharacterized in part keeps ``amount - part`` converted. Its ``taxable``,
  when given, is reduced by the part's taxable share: all of it when the conversion was
  wholly taxable (no basis: ``taxable - part``), none when it was wholly nontaxable (Form
  8606 line 10 is 1.000 and stays so as line 8 falls); a conversion with basis and a given
  taxable amount between is not supported (its share depends on Form 8606 lines 6-10 the
  ledger was not given); without ``taxable`` the ledger's own Form 8606 Part II pro-rates
  the rest (lines 8 and 16 net of the part).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from ..errors import NotSupported
from ..events import (
    Event,
    IraContribution,
    Recharacterization,
    RothContribution,
    RothConversion,
)
from ..rules import recharacterization as rules

CITE = (
    "IRC §408A(d)(6); Treas. Reg. 1.408A-5 A-1 to A-3, §1.408-11; Pub 590-A; Instructions "
    "for Form 8606 (Recharacterizations; Part II lines 16-18)"
)
ZERO = Decimal("0.00")


Target = RothContribution | IraContribution | RothConversion


def parts_of(target: Target, rechars: Iterable[Recharacterization]) -> Decimal | None:
    """The part of ``target`` its recharacterizations move; None when one of them moves it
    whole (no ``part``, or a single ``part`` equal to the target's amount)."""
    rechars = list(rechars)
    amount = target.amount
    if any(r.moved_part is None for r in rechars):
        return None
    total = sum((r.moved_part for r in rechars if r.moved_part is not None), ZERO)
    if len(rechars) == 1 and total == amount:
        return None  # the same as no part: the whole target, under its own id
    return total


def _rest_of_conversion(e: RothConversion, part: Decimal) -> RothConversion:
    taxable = e.taxable
    if taxable is not None:
        taxable = rules.rest_taxable(e.amount, taxable, part)
        if taxable is None:
            raise NotSupported(rules.part_unsupported(e.id))
    return replace(e, amount=e.amount - part, taxable=taxable)


def _other_kind(
    e: RothContribution | IraContribution, id: str, amount: Decimal, deductible: bool
) -> Event:
    same: dict[str, Any] = {
        "id": id,
        "memo": e.memo,
        "source": e.source,
        "person": e.person,
        "tax_year": e.tax_year,
        "date": e.date,
        "amount": amount,
    }
    if isinstance(e, RothContribution):
        return IraContribution(**same, deductible=deductible)
    return RothContribution(**same)


def apply_recharacterizations(events: Iterable[Event]) -> tuple[Event, ...]:
    """The events with each recharacterized contribution turned into the other kind (whole:
    same id, date, tax year and amount; in part: split, the part under the
    recharacterization's id) and each recharacterized conversion dropped (in part: its
    amount and taxable amount net of the part)."""
    events = tuple(events)
    moved: dict[str, list[Recharacterization]] = {}
    for e in events:
        if type(e) is Recharacterization:
            moved.setdefault(e.target, []).append(e)
    if not moved:
        return events
    out: list[Event] = []
    for e in events:
        if isinstance(e, Recharacterization):
            continue
        rechars = moved.get(e.id)
        if rechars is None or not isinstance(e, Target):
            out.append(e)  # validation allows no other target
            continue
        part = parts_of(e, rechars)
        if isinstance(e, (RothContribution, IraContribution)):
            if part is None:
                out.append(_other_kind(e, e.id, e.amount, bool(rechars[0].deductible)))
                continue
            if part < e.amount:  # the rest stays where it was made, under the target's id
                out.append(replace(e, amount=e.amount - part))
            out.extend(
                _other_kind(e, r.id, r.moved_part, bool(r.deductible))
                for r in rechars
                if r.moved_part
            )
        elif part is not None and part < e.amount:
            out.append(_rest_of_conversion(e, part))
    return tuple(out)


def whole_notes(events: Iterable[Event]) -> dict[int, list[str]]:
    """year -> a note for each recharacterization without ``part`` whose ``amount`` differs
    from its target's amount: the whole target was treated as recharacterized (the amount
    moved carries its gain or loss), and how to record a partial one. The year is the one
    whose figures it changes (a contribution's tax year, a conversion's income year)."""
    events = tuple(events)
    by_id = {e.id: e for e in events}
    out: dict[int, list[str]] = {}
    for r in events:
        if type(r) is not Recharacterization or r.moved_part is not None:
            continue
        target = by_id.get(r.target)
        if not isinstance(target, Target) or target.amount == r.amount:
            continue
        out.setdefault(target_year(target), []).append(whole_note(r, target))
    return out


def whole_note(r: Recharacterization, target: Target) -> str:
    amount = target.amount
    return (
        f"{r.id}: the whole of {target.id} ({amount}) was treated as recharacterized: "
        f"{r.amount} moved is taken as {amount} with its gain or loss "
        f"({r.amount - amount:+}); if only part of {target.id} was recharacterized, record "
        f"the recharacterization with part: the part of {amount} moved, before its net "
        "income (record form-1099r --part)"
    )


def target_year(target: Target) -> int:
    if isinstance(target, RothConversion):
        return (target.distributed_on or target.date).year
    return target.tax_year


def recharacterized_later(events: Iterable[Event]) -> dict[int, tuple[Decimal, tuple[str, ...]]]:
    """year -> (the value moved into the traditional IRAs, less the value moved out, by
    recharacterizations made after Dec 31 of that year of its contributions and
    conversions; their ids). Instructions for Form 8606, line 6: "If you recharacterized
    any amounts originally contributed, converted, or rolled over ... enter on line 6 the
    total value, taking into account all recharacterizations of those amounts, including
    recharacterizations made after December 31" -- the Dec 31 value (Form 5498 box 5)
    does not hold what came back (a conversion, a Roth contribution) or still holds what
    left (a traditional contribution) after that day. ``amount`` is the value moved."""
    events = tuple(events)
    by_id = {e.id: e for e in events}
    out: dict[int, tuple[Decimal, tuple[str, ...]]] = {}
    for r in events:
        if type(r) is not Recharacterization:
            continue
        target = by_id.get(r.target)
        if not isinstance(target, Target):
            continue
        year = target_year(target)
        if r.date.year <= year:
            continue
        sign = -1 if isinstance(target, IraContribution) else 1
        total, ids = out.get(year, (ZERO, ()))
        out[year] = (total + sign * r.amount, (*ids, r.id))
    return out
