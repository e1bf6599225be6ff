"""``ledger.dates.add_months`` (age 59½, 70½) as the calendar module works it out:
``month_days`` is ``calendar.monthrange(year, month)[1]`` for every month of every year
a date can have and beyond, and ``add_months`` gives what the reference (the old code,
on ``calendar``) gives -- the same date, or the same exception and words."""

from __future__ import annotations

import calendar
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.dates import add_months, age_59_and_a_half, age_70_and_a_half, month_days


def reference_add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def outcome(fn, *args):
    try:
        return ("value", fn(*args))
    except Exception as exc:  # noqa: BLE001 -- the same failure is part of the answer
        return ("error", type(exc), str(exc))


def test_month_days_are_the_calendar_s_for_every_year_of_a_date():
    for year in range(1, 10_000):
        for month in range(1, 13):
            assert month_days(year, month) == calendar.monthrange(year, month)[1]


@given(st.integers(-(10**12), 10**12), st.integers(1, 12))
def test_month_days_are_the_calendar_s_beyond_a_date_s_years(year, month):
    assert month_days(year, month) == calendar.monthrange(year, month)[1]


@settings(max_examples=500)
@given(
    st.dates(),
    st.one_of(st.integers(-200_000, 200_000), st.sampled_from([59 * 12 + 6, 70 * 12 + 6, 0])),
)
def test_add_months_is_the_reference(day, months):
    assert outcome(add_months, day, months) == outcome(reference_add_months, day, months)


def test_the_half_birthdays_at_the_month_ends():
    assert age_59_and_a_half(date(1965, 8, 31)) == date(2025, 2, 28)
    assert age_59_and_a_half(date(1964, 8, 31)) == date(2024, 2, 29)  # a leap year
    assert age_59_and_a_half(date(1940, 8, 31)) == date(2000, 2, 29)  # 400: leap
    assert age_70_and_a_half(date(2029, 8, 30)) == date(2100, 2, 28)  # 100: not leap
    assert outcome(add_months, date(9999, 12, 1), 1)[:2] == ("error", ValueError)
