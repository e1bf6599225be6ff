"""Date arithmetic the rules rely on: age 59½ and the 5-taxable-year windows.

Age 59½ (RULES section 0, "age 59½"): the date six calendar months after the 59th
birthday; if that month has no such day, its last day (born 1965-08-31 -> 2025-02-28).
A distribution on that date is at 59½. Source: IRS practice for §72(t)(2)(A)(i).
"""

from __future__ import annotations

from datetime import date

from .errors import shown


class DateError(ValueError):
    """A date that cannot be read."""


def parse_date(raw: object) -> date:
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str):
        raise DateError(f"{shown(raw)} is not a date (YYYY-MM-DD)")
    text = raw.strip()
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text.isascii():
        raise DateError(f"{shown(raw)} is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DateError(f"{raw!r} is not a valid date") from None


#: the dates the ledger takes (issue 14): from 1975-01-01 (IRAs exist from 1975: ERISA
#: §2002 added IRC §408) to Dec 31 of the year YEARS_AHEAD after today. A record dated
#: 9999 is a typing mistake, and a date no calendar arithmetic can pass
#: (``--as-known-on 9999-12-31``) never reaches the rules. A field's year (``tax_year``,
#: ``year``) is one of those dates' years.
EARLIEST_DATE = date(1975, 1, 1)
YEARS_AHEAD = 3


def today() -> date:
    """The clock the input checks read (one place, so a test can fix it; the rules
    never read a clock: they are given dates)."""
    return date.today()


def latest_date(on: date | None = None) -> date:
    return date((on or today()).year + YEARS_AHEAD, 12, 31)


def date_problem(day: date, on: date | None = None) -> str | None:
    """Why ``day`` is outside the dates the ledger takes (None: it is inside)."""
    if day < EARLIEST_DATE:
        return f"{day} is before {EARLIEST_DATE} (IRAs exist from 1975)"
    latest = latest_date(on)
    if day > latest:
        return f"{day} is after {latest} (at most {YEARS_AHEAD} years ahead)"
    return None


def year_problem(year: int, on: date | None = None) -> str | None:
    """Why a ledger field's year is outside the years the ledger takes (None: inside)."""
    latest = latest_date(on).year
    if not EARLIEST_DATE.year <= year <= latest:
        return f"{year_text(year)} is not a plausible tax year ({EARLIEST_DATE.year}-{latest})"
    return None


def year_text(year: int) -> str:
    """A year for a message, cut short when absurdly long."""
    text = str(year)
    return text if len(text) <= 12 else text[:12] + "..."


#: the days of each month of a common year (index 0 unused)
_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def month_days(year: int, month: int) -> int:
    """The days of ``month`` (1-12) of ``year``: ``calendar.monthrange(year, month)[1]``
    (the reference, tests/test_dates.py), without importing calendar (~6 M instructions
    of every command's start-up): February has 29 in a Gregorian leap year, as
    ``calendar.isleap`` says, for any year."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month]


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, clamped to the end of the target month."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = month_days(year, month)
    return date(year, month, min(day.day, last))


def age_59_and_a_half(born: date) -> date:
    """The date a person born on ``born`` reaches 59½."""
    return add_months(born, 59 * 12 + 6)


def age_70_and_a_half(born: date) -> date:
    """The date a person born on ``born`` reaches 70½ (qualified charitable
    distributions, IRC §408(d)(8)(B)(ii))."""
    return add_months(born, 70 * 12 + 6)


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
