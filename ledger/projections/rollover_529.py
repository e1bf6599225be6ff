"""529-to-Roth rollovers over the lifetime limit, applied before the fold.

The part of a ``roth_529_rollover`` over the $35,000 lifetime limit
(:func:`ledger.rules.rollover_529.within_lifetime`, rollovers taken in date order) is not
a §529(c)(3)(E) rollover: kept in the Roth IRA it is a regular contribution of the same
tax year (same id), subject to the income limit, and its basis is the whole of it. The
part within the limit keeps its share of the event's ``basis``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType

from ..events import Event, Roth529Rollover, RothContribution
from ..money import ZERO, cents, fmt_table
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


#: :func:`over_lifetime` of events with no rollover over the lifetime limit
EMPTY_OVER: Mapping[str, tuple[int, Decimal]] = MappingProxyType({})


def no_basis_warning(event: Roth529Rollover, over: tuple[int, Decimal] | None) -> str:
    """The warning for a rollover (as the fold sees it: the part within the lifetime limit
    when :func:`apply_529_lifetime` split it) whose ``basis`` is not given. ``over``: the
    event's (tax year, part over the limit) from :func:`over_lifetime`, None if none.

    Without Form 1099-Q box 3 all of the rollover is counted as Roth contribution basis.
    Split at the limit, that is still the whole amount recorded: the part over the limit
    is a regular contribution, all basis whatever box 3 says; only the part within it has
    529 earnings that would be Roth IRA earnings (IRC §408A(e)(1))."""
    head = f"{event.id}: basis (the 529 contributions in it, Form 1099-Q box 3) not given: "
    if over is None or over[1] <= 0:
        return (
            head + f"the whole {fmt_table(event.amount)} is counted as Roth contribution "
            "basis; the part that was 529 earnings is Roth IRA earnings (IRC §408A(e)(1))"
        )
    inside, rest = event.amount, over[1]
    return (
        head + f"the whole {fmt_table(inside + rest)} is counted as Roth contribution basis: "
        f"the {fmt_table(inside)} within the {fmt_table(LIFETIME_LIMIT)} lifetime limit as "
        f"the rollover, and the {fmt_table(rest)} over it as a regular contribution (all "
        f"basis whatever box 3 says); the part of the {fmt_table(inside)} that was 529 "
        "earnings is Roth IRA earnings (IRC §408A(e)(1))"
    )
