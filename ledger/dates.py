"""Date arithmetic the rules rely on: age 59½ and the 5-taxable-year windows.

Age 59½ (RULES section 0, "age 59½"): the date six calendar months after the 59th
birthday; if that month has no such day, its last day (born 1965-08-31 -> 2025-02-28).
A distribution on that date is at 59½. Source: IRS practice for §72(t)(2)(A)(i).
"""

from __future__ import annotations

import calendar
from datetime import date


class DateError(ValueError):
    """A date that cannot be read."""


def parse_date(raw: object) -> date:
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str):
        raise DateError(f"{raw!r} is not a date (YYYY-MM-DD)")
    text = raw.strip()
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise DateError(f"{raw!r} is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DateError(f"{raw!r} is not a valid date") from None


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, clamped to the end of the target month."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def age_59_and_a_half(born: date) -> date:
    """The date a person born on ``born`` reaches 59½."""
    return add_months(born, 59 * 12 + 6)


def age_on(born: date, on: date) -> int:
    """Whole years of age on a date."""
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def end_of_year(year: int) -> date:
    return date(year, 12, 31)


def five_year_window_end(start_year: int) -> date:
    """Last day of the 5-taxable-year period starting Jan 1 of ``start_year``."""
    return date(start_year + 4, 12, 31)
