"""Age 59½ (RULES.md section 0), the qualified clock (Reg. 1.408A-6 A-2), recapture windows."""

from datetime import date

from ledger.dates import age_59_and_a_half
from ledger.rules.qualified import qualified_from, qualify
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
