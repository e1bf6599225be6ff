"""Rollovers applied before the fold: only the part of a distribution not rolled over is a
distribution (:mod:`ledger.rules.rollovers`; Form 8606 Parts I and III).

A ``roth_distribution`` or ``ira_distribution`` with ``rolled_over`` becomes, for every
figure, the same event with ``amount`` the part not rolled over; one rolled over whole
is no distribution at all. The events shown by ``--explain`` and ``events`` stay as
recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from ..events import Event, IraDistribution, RothDistribution
from ..rules.rollovers import distributed

_KINDS = (RothDistribution, IraDistribution)


def apply_rollovers(events: Iterable[Event]) -> tuple[Event, ...]:
    """The events with each rolled-over part taken off its distribution."""
    events = tuple(events)
    if not any(type(e) in _KINDS and e.rolled_over for e in events):  # type: ignore[attr-defined]
        return events
    out: list[Event] = []
    for e in events:
        if isinstance(e, _KINDS) and e.rolled_over:
            rest = distributed(e.amount, e.rolled_over)
            if rest > 0:
                out.append(replace(e, amount=rest, rolled_over=None))
        else:
            out.append(e)
    return tuple(out)


def rolled_over_in(events: Iterable[Event], year: int) -> dict[str, Decimal]:
    """The year's rolled-over parts by distribution id (as recorded)."""
    return {
        e.id: e.rolled_over
        for e in events
        if isinstance(e, _KINDS) and e.rolled_over and e.date.year == year
    }


def net_amount(e: RothDistribution | IraDistribution) -> Decimal:
    """The part of a distribution that is a distribution."""
    return distributed(e.amount, e.rolled_over)
