"""Possible duplicates: the same money movement recorded twice (warnings, never refused).

A distribution entered by hand and again from its Form 1099-R (``record form-1099r``), or
a contribution logged twice, doubles what the reports count: basis added twice, a
withdrawal taxed twice. Two equal contributions on one day can be real, so this only
warns, naming every event of the group; voiding one of them (a void in force) ends the
warning, because only events in force are compared.

Two events are the same movement when they have the same kind and person and:

* distributions (``roth_distribution``, ``ira_distribution``, ``plan_distribution``) and
  conversions (``roth_conversion``): the same date and amount -- what a 1099-R prints
  (box 1 and the date it was paid);
* contributions (``roth_contribution``, ``ira_contribution``, ``plan_roth_contribution``,
  ``plan_after_tax_contribution``, ``roth_sep_simple_contribution``, and the
  ``roth_529_rollover`` that counts as one): the same date, tax year (when the kind has
  one) and amount.

The warning belongs to the year the reports show the event in: a contribution's tax
year, else the year of its date.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from .. import events as ev
from ..money import fmt_table

#: the kinds compared with their tax year, and those compared by date alone
_WITH_YEAR = frozenset(
    {ev.RothContribution, ev.IraContribution, ev.PlanRothContribution, ev.Roth529Rollover}
)
_BY_DATE = frozenset(
    {
        ev.RothDistribution,
        ev.IraDistribution,
        ev.PlanDistribution,
        ev.RothConversion,
        ev.PlanAfterTaxContribution,
        ev.RothSepSimpleContribution,
    }
)

#: (kind, person, date, tax year or None, amount)
Key = tuple[str, str, date, int | None, Decimal]


def _year(key: Key) -> int:
    return key[3] if key[3] is not None else key[2].year


def _names(ids: list[str]) -> str:
    return ", ".join(ids[:-1]) + f" and {ids[-1]}" if len(ids) > 1 else ids[0]


def _message(key: Key, ids: list[str]) -> str:
    kind, person, day, tax_year, amount = key
    what = kind.rsplit("_", 1)[-1]  # distribution, conversion or contribution
    when = f"tax year {tax_year}, " if tax_year is not None else ""
    return (
        f"{person}: {_year(key)}: possible duplicate {kind}: {_names(ids)} are the same "
        f"{what} ({when}{day.isoformat()}, {fmt_table(amount)}); if it was entered twice "
        "(by hand and from its form), void one: roth-ledger void ID --reason duplicate"
    )


def duplicate_groups(
    events: Iterable[ev.Event], years: Collection[int] | None = None
) -> dict[Key, list[str]]:
    """Every group of two or more events with the same key, their ids in ledger order.
    ``events``: the events in force (the caller applies :mod:`ledger.voids`); ``years``:
    only the groups of these years. Part of every report's fold, so kept lean: one
    tuple per flow of the years asked, a list only for a group.

    The flows are first told apart by their key without the amount (kind, person, date,
    tax year): hashing a Decimal with cents is a modular power, about 5,000 instructions,
    most of this function's work, and few flows share the rest of their key. Only the
    flows that do are grouped by their whole key, as the reference groups every flow
    (each part with its own ``seen``: the same groups, made in the same order, each keyed
    by the flow that made it); an amount that is not a finite Decimal is hashed at once,
    so one that cannot be (a signaling NaN) raises where the reference's key raises.
    ``tests/reference_duplicates.py`` keeps the reference and
    ``tests/test_duplicate_groups_reference.py`` holds the two to the same groups."""
    near: dict[tuple, Any] = {}  # key less the amount -> its one flow, or its own seen
    groups: list[tuple] = []
    sub: dict[tuple, Any]
    e: Any
    for e in events:
        t = type(e)
        if t in _WITH_YEAR:
            tax_year = e.tax_year
            if years is not None and (tax_year or e.date.year) not in years:
                continue
            part = (t, e.person, e.date, tax_year)
        elif t in _BY_DATE:
            if years is not None and e.date.year not in years:
                continue
            part = (t, e.person, e.date, None)
        else:
            continue
        held = near.get(part)
        amount = e.amount
        if type(amount) is not Decimal or not amount.is_finite():
            hash(amount)  # raises as the reference's whole key would, after the part
        if held is None:
            near[part] = e
            continue
        if type(held) is not dict:  # a second flow of this part: from now on by amount
            first = held
            held = near[part] = {(*part, first.amount): first.id}
        sub = held
        key = (*part, amount)
        found = sub.get(key)
        if found is None:
            sub[key] = e.id
        elif type(found) is str:
            sub[key] = [found, e.id]
            groups.append(key)
        else:
            found.append(e.id)
    return {(k[0].kind, *k[1:]): near[k[:4]][k] for k in groups}


def duplicate_warnings(
    events: Iterable[ev.Event], only: Collection[str] | None = None
) -> list[str]:
    """One warning per group of possible duplicates among ``events`` (in force), by year;
    ``only``: the groups holding one of these event ids (``record``: the new events)."""
    groups = duplicate_groups(events)
    keys = sorted(groups, key=lambda k: (k[1], _year(k), k[2], k[0]))
    return [
        _message(k, groups[k]) for k in keys if only is None or any(i in only for i in groups[k])
    ]


def duplicates_by_year(
    events: Iterable[ev.Event], years: Collection[int] | None = None
) -> dict[int, list[str]]:
    """The warnings of :func:`duplicate_warnings` keyed by the year they belong to
    (``years``: of these years only)."""
    groups = duplicate_groups(events, years)
    out: dict[int, list[str]] = {}
    for k in sorted(groups, key=lambda k: (k[2], k[0])):
        out.setdefault(_year(k), []).append(_message(k, groups[k]))
    return out
