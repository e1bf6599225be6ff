"""Recharacterizations applied before the fold: what the IRAs hold once each is undone.

Sources: IRC §408A(d)(6) (a contribution transferred trustee-to-trustee, with its net
income, to the other kind of IRA by the due date of the return, extensions included, is
treated as made to the transferee IRA); Treas. Reg. 1.408A-5 A-1 to A-3 (treated as
contributed to the second IRA on the date and for the year it was made to the first; the
net income goes with it); §408A(d)(6)(B)(iii), added by the Tax Cuts and Jobs Act of 2017
§13611 (a conversion cannot be recharacterized after 2017; conversions made in 2017 could
still be until the 2018 due date, Notice / FAQ on Roth recharacterizations); Instructions
for Form 8606 "Recharacterizations" (a Roth contribution recharacterized to a traditional
IRA is reported as a traditional contribution -- nondeductible here, Form 8606 line 1,
the contribution without its earnings; a recharacterized conversion is left off Part II).

``amount`` (the contribution or conversion with its net income, 1099-R box 1) is what
moved, kept for the record. A contribution is recharacterized whole unless
``contribution`` names the part that moved, without its net income (Instructions for Form
8606 (2015), "Recharacterizations", second example: $3,000 of a $4,000 traditional
contribution moved with $300 of earnings; the $1,000 left is still a traditional
contribution and the $3,000 a Roth contribution): the part becomes an event of the other
kind under the recharacterization's id, the rest keeps the target's id. A Roth
contribution moved to a traditional IRA is nondeductible unless the recharacterization
says ``deductible: true`` (the same instructions' first example: deducted, no Form 8606).
A conversion is undone whole.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from ..events import (
    Event,
    IraContribution,
    Recharacterization,
    RothContribution,
    RothConversion,
)

CITE = "IRC §408A(d)(6); Treas. Reg. 1.408A-5 A-1 to A-3; Instructions for Form 8606"


def apply_recharacterizations(events: Iterable[Event]) -> tuple[Event, ...]:
    """The events with each recharacterized contribution turned into the other kind (same
    id, date, tax year and amount) and each recharacterized conversion dropped."""
    events = tuple(events)
    moved = {e.target: e for e in events if type(e) is Recharacterization}
    if not moved:
        return events
    out: list[Event] = []
    for e in events:
        if isinstance(e, Recharacterization):
            continue
        r = moved.get(e.id)
        if r is None:
            out.append(e)
        elif isinstance(e, (RothContribution, IraContribution)):
            part = e.amount if r.contribution is None else min(r.contribution, e.amount)
            same: dict[str, Any] = {
                "memo": e.memo,
                "source": e.source,
                "person": e.person,
                "tax_year": e.tax_year,
                "date": e.date,
            }
            if part < e.amount:  # the rest stays where it was made, under the target's id
                out.append(dataclasses.replace(e, amount=e.amount - part))
                same["id"] = r.id
            else:
                same["id"] = e.id
            if isinstance(e, RothContribution):
                out.append(IraContribution(**same, amount=part, deductible=bool(r.deductible)))
            else:
                out.append(RothContribution(**same, amount=part))
        elif not isinstance(e, RothConversion):
            out.append(e)  # validation allows no other target
    return tuple(out)
