"""Age 59½ (RULES.md section 0), the qualified clock (Reg. 1.408A-6 A-2), recapture windows."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from ledger.dates import age_59_and_a_half
from ledger.rules.qualified import first_qualified_day, qualified_from, qualify
from ledger.rules.recapture import in_window


def test_59_and_a_half_month_end_edge():
    # RULES.md section 0: born Aug 31, 1965 -> Feb 28, 2025.
    assert age_59_and_a_half(date(1965, 8, 31)) == date(2025, 2, 28)
    assert age_59_and_a_half(date(1964, 8, 31)) == date(2024, 2, 29)  # leap year
    assert age_59_and_a_half(date(1960, 5, 1)) == date(2019, 11, 1)


def test_pub_590b_justin_not_qualified_in_2020():
    # Pub 590-B ordering example: conversion 2016, distribution 2020-11-08 at 60:
    # the five years end 2020-12-31, so not qualified.
    t = qualify(date(2020, 11, 8), 2016, date(2019, 11, 1), None, None, False)
    assert not t.qualified and not t.five_year_met
    assert qualified_from(2016) == date(2021, 1, 1)
    assert qualify(date(2021, 1, 1), 2016, date(2019, 11, 1), None, None, False).qualified


def test_disability_and_death_qualify_after_five_years():
    assert (
        qualify(date(2030, 1, 1), 2020, date(2045, 1, 1), None, date(2029, 5, 1), False).trigger
        == "disability"
    )
    assert qualify(
        date(2030, 1, 1), 2020, date(2045, 1, 1), date(2029, 5, 1), None, False
    ).qualified


def test_recapture_window_regulation_example():
    # Reg. 1.408A-6 A-5(c): received 1999-02-25 -> clock 1999-01-01 .. 2003-12-31.
    assert in_window(1999, date(2003, 12, 31))
    assert not in_window(1999, date(2004, 1, 1))


def test_first_qualified_day_pub_590b_justin():
    # Pub 590-B (Justin): conversion 2016 -> 5-year period met 2021-01-01; 59½ in 2019
    assert first_qualified_day(2016, date(2019, 11, 1), None, None) == date(2021, 1, 1)
    # under 59½ until 2039, disabled in 2024 (IRC §408A(d)(2)(A)(iii)): qualified 2024
    assert first_qualified_day(2017, date(2039, 12, 15), None, date(2024, 3, 1)) == date(2024, 3, 1)
    assert first_qualified_day(None, date(2019, 11, 1), None, None) is None


DAYS = st.dates(date(1998, 1, 1), date(2060, 12, 31))


@given(
    start=st.none() | st.integers(1998, 2040),
    age=DAYS,
    died=st.none() | DAYS,
    disabled=st.none() | DAYS,
    on=DAYS,
)
def test_first_qualified_day_is_where_qualify_turns_yes(start, age, died, disabled, on):
    """qualify() says qualified on exactly the days from first_qualified_day() on (what
    lets plan ladder and plan withdrawal agree)."""
    first = first_qualified_day(start, age, died, disabled)
    got = qualify(on, start, age, died, disabled, False).qualified
    assert got == (first is not None and on >= first)
