"""529-to-Roth rollovers over the lifetime limit, applied before the fold.

The part of a ``roth_529_rollover`` over the $35,000 lifetime limit
(:func:`ledger.rules.rollover_529.within_lifetime`, rollovers taken in date order) is not
a §529(c)(3)(E) rollover: kept in the Roth IRA it is a regular contribution of the same
tax year (same id), subject to the income limit, and its basis is the whole of it. The
part within the limit keeps its share of the event's ``basis``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ..events import Event, Roth529Rollover, RothContribution
from ..money import ZERO, cents
from ..rules.rollover_529 import LIFETIME_LIMIT, within_lifetime


def apply_529_lifetime(events: Iterable[Event]) -> tuple[Event, ...]:
    """The events with each rollover's part over the lifetime limit turned into a
    ``roth_contribution`` beside it."""
    events = tuple(events)
    rollovers = sorted(
        (e for e in events if type(e) is Roth529Rollover), key=lambda e: (e.date, e.id)
    )
    if not rollovers or sum((e.amount for e in rollovers), ZERO) <= LIFETIME_LIMIT:
        return events
    parts = dict(zip((e.id for e in rollovers), within_lifetime(e.amount for e in rollovers)))
    out: list[Event] = []
    for e in events:
        if type(e) is not Roth529Rollover or parts[e.id][1] == 0:
            out.append(e)
            continue
        inside, over = parts[e.id]
        basis = e.basis
        if basis is not None and e.amount > 0:
            basis = cents(basis * inside / e.amount)
        if inside > 0:
            out.append(
                Roth529Rollover(
                    id=e.id,
                    memo=e.memo,
                    source=e.source,
                    person=e.person,
                    date=e.date,
                    amount=inside,
                    tax_year=e.effective_tax_year,
                    basis=basis,
                    account_opened=e.account_opened,
                )
            )
        out.append(
            RothContribution(
                id=e.id,
                memo=e.memo,
                source=e.source,
                person=e.person,
                tax_year=e.effective_tax_year,
                date=e.date,
                amount=over,
            )
        )
    return tuple(out)


def over_lifetime(events: Iterable[Event]) -> dict[str, tuple[int, Decimal]]:
    """Each rollover with a part over the lifetime limit: id -> (tax year, that part)."""
    rollovers = sorted(
        (e for e in events if type(e) is Roth529Rollover), key=lambda e: (e.date, e.id)
    )
    parts = within_lifetime(e.amount for e in rollovers)
    return {
        e.id: (e.effective_tax_year, over) for e, (_, over) in zip(rollovers, parts) if over > 0
    }
