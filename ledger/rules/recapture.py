"""The per-conversion 10% recapture window (IRC §408A(d)(3)(F); Reg. 1.408A-6 A-5).

A nonqualified distribution allocable to the taxable part of a conversion or plan rollover
contribution made within the 5-taxable-year period beginning Jan 1 of the year the Roth
IRA received it is subject to the §72(t) 10% tax as if includible. Each conversion year
has its own clock (A-5(c)); only the taxable part is recaptured; all §72(t) exceptions,
including age 59½, apply (A-5(b)). Reg. example: distributed 1998-12-31, received
1999-02-25 → clock starts 1999-01-01. In-plan Roth rollovers carry the same window
(§402A(c)(4)(D)).
"""

from __future__ import annotations

from datetime import date

from ..dates import five_year_window_end


def in_window(clock_year: int | None, on: date) -> bool:
    return clock_year is not None and on <= five_year_window_end(clock_year)


def clock_ends(clock_year: int) -> date:
    return five_year_window_end(clock_year)
