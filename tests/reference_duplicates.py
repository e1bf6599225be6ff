"""The reference of :func:`ledger.projections.duplicates.duplicate_groups`: every flow
keyed by its whole key (kind, person, date, tax year, amount), as the function was
before it told the flows apart by the key less the amount first."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from ledger import events as ev
from ledger.projections.duplicates import _BY_DATE, _WITH_YEAR, Key


def duplicate_groups(
    events: Iterable[ev.Event], years: Collection[int] | None = None
) -> dict[Key, list[str]]:
    seen: dict[tuple, Any] = {}
    groups: list[tuple] = []
    e: Any
    for e in events:
        t = type(e)
        if t in _WITH_YEAR:
            tax_year = e.tax_year
            if years is not None and (tax_year or e.date.year) not in years:
                continue
            key = (t, e.person, e.date, tax_year, e.amount)
        elif t in _BY_DATE:
            if years is not None and e.date.year not in years:
                continue
            key = (t, e.person, e.date, None, e.amount)
        else:
            continue
        held = seen.get(key)
        if held is None:
            seen[key] = e.id
        elif type(held) is str:
            seen[key] = [held, e.id]
            groups.append(key)
        else:
            held.append(e.id)
    return {(k[0].kind, *k[1:]): seen[k] for k in groups}
