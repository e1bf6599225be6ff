"""Yearly numbers (ledger/yearly.py + ledger/data/*.yaml). Sources: RULES.md (g), (h)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger import yearly
from ledger.errors import MissingFact

# --- filing deadlines ---------------------------------------------------------------


@pytest.mark.parametrize(
    "tax_year, deadline",
    [
        (2019, date(2020, 7, 15)),  # IRS Notice 2020-23 (COVID postponement)
        (2020, date(2021, 5, 17)),  # IRS Notice 2021-21
        (2021, date(2022, 4, 18)),  # Apr 15 = Emancipation Day observed (Fri), weekend
        (2022, date(2023, 4, 18)),  # Apr 15/16 weekend, Apr 17 Emancipation Day observed
        (2023, date(2024, 4, 15)),
        (2024, date(2025, 4, 15)),
        (2025, date(2026, 4, 15)),
        (2026, date(2027, 4, 15)),
        (2010, date(2011, 4, 18)),  # the well-known 2011 "April 18" tax day
        (2016, date(2017, 4, 18)),
        (2006, date(2007, 4, 17)),  # first year the IRS moved for Emancipation Day
        (1999, date(2000, 4, 17)),  # Apr 15, 2000 was a Saturday
        (1998, date(1999, 4, 15)),
    ],
)
def test_filing_deadline(tax_year, deadline):
    assert yearly.filing_deadline(tax_year) == deadline


def test_filing_deadlines_cover_1998_to_2026_and_are_business_days():
    for year in range(1998, 2027):
        due = yearly.filing_deadline(year)
        assert due.year == year + 1 or year == 2019 and due == date(2020, 7, 15)
        assert due.weekday() < 5, (year, due)
        if year not in (2019, 2020):  # postponed by notice
            assert date(year + 1, 4, 15) <= due <= date(year + 1, 4, 18)


def test_missing_deadline_year_is_an_error_not_a_default():
    with pytest.raises(MissingFact, match="no 2027 IRA contribution filing deadline on file"):
        yearly.filing_deadline(2027)
    with pytest.raises(MissingFact):
        yearly.filing_deadline(1997)


# --- IRA limits (RULES.md (h); §219(b)(5)) ------------------------------------------


@pytest.mark.parametrize(
    "year, age, limit",
    [
        (1998, 60, "2000"),  # extension.org: $2,000, no catch-up before 2002
        (2002, 50, "3500"),  # $3,000 + $500
        (2005, 49, "4000"),
        (2006, 50, "5000"),  # $4,000 + $1,000
        (2008, 40, "5000"),
        (2013, 55, "6500"),  # IRS archived COLA 2013: $5,500 + $1,000
        (2019, 30, "6000"),  # irs.gov COLA: $6,000
        (2023, 30, "6500"),  # irs.gov COLA 2023: $6,500
        (2024, 49, "7000"),  # IRS COLA 2024: $7,000
        (2024, 50, "8000"),  # + $1,000 catch-up
        (2025, 51, "8000"),  # Notice 2024-80 summaries
        (2026, 40, "7500"),  # Notice 2025-67 summaries: $7,500
        (2026, 50, "8600"),  # catch-up indexed to $1,100
    ],
)
def test_ira_limit(year, age, limit):
    assert yearly.ira_limit(year, age) == Decimal(limit)


def test_ira_limit_every_year_1998_2026_and_none_after():
    for year in range(1998, 2027):
        assert yearly.ira_limit(year, 30) > 0
    with pytest.raises(MissingFact, match="no 2027 IRA contribution limit on file"):
        yearly.ira_limit(2027, 30)
    with pytest.raises(MissingFact, match="no 1997 IRA"):
        yearly.ira_limit(1997, 30)


# --- plan limits (402(g), 414(v), 415(c)) -------------------------------------------


@pytest.mark.parametrize(
    "year, expected",
    [
        (2010, ("16500", "5500", "49000")),  # mondaq (IRS table)
        (2015, ("18000", "6000", "53000")),
        (2019, ("19000", "6000", "56000")),  # irs.gov COLA
        (2024, ("23000", "7500", "69000")),  # irs.gov COLA 2024
        (2025, ("23500", "7500", "70000")),  # Notice 2024-80 (secondary)
        (2026, ("24500", "8000", "72000")),  # Notice 2025-67 summaries
    ],
)
def test_plan_limits(year, expected):
    deferral, catch_up, additions = yearly.plan_limits(year)
    assert (deferral, catch_up, additions) == tuple(Decimal(x) for x in expected)


def test_plan_limits_missing_year():
    with pytest.raises(MissingFact, match="no 2009 employer plan limits"):
        yearly.plan_limits(2009)
    with pytest.raises(MissingFact):
        yearly.plan_limits(2027)


# --- exceptions and Form 5329 line-2 numbers (RULES.md (g)) -------------------------


@pytest.mark.parametrize(
    "kind, year, code",
    [
        ("first_home", 2015, "09"),  # I5329 2016: 09 first home
        ("sepp", 2020, "02"),
        ("disability", 2022, "03"),
        ("birth_adoption", 2021, "12"),  # no own number before 2025: 12 = other
        ("terminal_illness", 2022, "12"),
        ("first_home", 2025, "09"),  # I5329 (Nov 2025) as transcribed
        ("birth_adoption", 2025, "19"),
        ("terminal_illness", 2025, "20"),
        ("domestic_abuse", 2025, "22"),
        ("emergency", 2025, "23"),
    ],
)
def test_exception_code(kind, year, code):
    assert yearly.exception_code(kind, year) == code


def test_unconfirmed_years_have_no_code():
    for year in (2023, 2024):
        assert yearly.exception_code("first_home", year) is None
        assert not yearly.numbering_confirmed(year)
        with pytest.raises(MissingFact, match="UNCONFIRMED"):
            yearly.exception_kind_from_code("09", year)


def test_disaster_is_not_a_line_2_code():
    assert yearly.exception_code("disaster", 2025) is None
    assert not yearly.exception_info("disaster").line2


def test_exception_kind_from_code():
    assert yearly.exception_kind_from_code("9", 2020) == "first_home"
    assert yearly.exception_kind_from_code(9, 2025) == "first_home"
    assert yearly.exception_kind_from_code("12", 2019) == "other_or_multiple"
    assert yearly.exception_kind_from_code("12", 2025) == "age_59_and_a_half"
    assert yearly.exception_kind_from_code("99", 2025) == "multiple"
    with pytest.raises(LookupError):
        yearly.exception_kind_from_code("23", 2020)
    with pytest.raises(MissingFact, match="no 2026 Form 5329 exception numbering"):
        yearly.exception_kind_from_code("09", 2026)


def test_every_kind_has_info_and_a_2025_code_or_none():
    for kind in yearly.exception_kinds():
        info = yearly.exception_info(kind)
        assert info.source
        code = yearly.exception_code(kind, 2025)
        assert (code is None) == (kind == "disaster")
    with pytest.raises(LookupError):
        yearly.exception_info("lottery")


def test_exception_caps_and_dates():
    # §72(t)(8): $10,000 lifetime; §72(t)(2)(H): $5,000 per child; (I): $1,000 a year;
    # (K): $10,000 (2024), $10,300 (2025), $10,500 (2026) -- RULES.md (g)
    assert yearly.exception_info("first_home").cap(2020) == Decimal("10000")
    assert yearly.exception_info("first_home").cap_per == "lifetime"
    assert yearly.exception_info("birth_adoption").cap(2021) == Decimal("5000")
    assert yearly.exception_info("emergency").cap(2024) == Decimal("1000")
    abuse = yearly.exception_info("domestic_abuse")
    assert [abuse.cap(y) for y in (2024, 2025, 2026)] == [
        Decimal("10000"),
        Decimal("10300"),
        Decimal("10500"),
    ]
    with pytest.raises(MissingFact, match="no 2027 cap"):
        abuse.cap(2027)
    assert yearly.exception_info("medical").cap(2020) is None
    assert yearly.exception_info("birth_adoption").available_from == date(2020, 1, 1)
    assert yearly.exception_info("terminal_illness").available_from == date(2022, 12, 30)
    assert yearly.exception_info("emergency").available_from == date(2024, 1, 1)
    assert yearly.exception_info("domestic_abuse").available_on(date(2024, 1, 1))
    assert not yearly.exception_info("domestic_abuse").available_on(date(2023, 12, 31))


def test_every_data_value_has_a_source():
    for name, key in [
        ("filing_deadlines.yaml", "deadlines"),
        ("ira_limits.yaml", "limits"),
        ("plan_limits.yaml", "limits"),
        ("qcd_limits.yaml", "limits"),
    ]:
        for year, row in yearly._load(name)[key].items():
            assert row.get("source"), (name, year)
    for entry in yearly._load("exception_codes.yaml")["numbering"]:
        assert entry["source"]


def test_data_files_read_the_same_with_the_reference_loader():
    """``yearly.SAFE_LOADER`` (libyaml's parser when PyYAML has it) against the
    pure-Python ``yaml.SafeLoader``: the same values of the same types, file by file."""
    from importlib import resources

    import yaml

    if yaml.__with_libyaml__:
        assert yearly.SAFE_LOADER is yaml.CSafeLoader
    files = [f for f in resources.files("ledger.data").iterdir() if f.name.endswith(".yaml")]
    assert len(files) >= 6
    for file in files:
        text = file.read_text(encoding="utf-8")
        fast = yaml.load(text, Loader=yearly.SAFE_LOADER)
        assert repr(fast) == repr(yaml.load(text, Loader=yaml.SafeLoader)), file.name
        assert fast == yearly._load(file.name)


def test_yearly_has_no_db_or_cli_imports():
    import ledger.yearly as mod

    text = open(mod.__file__, encoding="utf-8").read()
    for banned in ("sqlalchemy", "sqlmodel", "click"):
        assert f"import {banned}" not in text


def test_data_files_are_read_where_importlib_resources_finds_them(monkeypatch):
    """The packaged data files are read from the directory next to ledger/yearly.py
    (``_PACKAGED``), the same files, names and texts ``importlib.resources`` gives (the
    reference, still used where that directory is missing: a zipped install)."""
    from importlib import resources

    packaged = resources.files("ledger.data")
    names = sorted(p.name for p in packaged.iterdir() if p.name.endswith(".yaml"))
    assert names == sorted(p.name for p in yearly._PACKAGED.glob("*.yaml"))
    for name in names:
        assert yearly._data_root().joinpath(name).read_text(encoding="utf-8") == packaged.joinpath(
            name
        ).read_text(encoding="utf-8")
    monkeypatch.setattr(yearly, "_PACKAGED", yearly._PACKAGED / "missing")
    root = yearly._data_root()
    assert str(root) != str(yearly._PACKAGED)  # importlib.resources' root
    for name in names:
        assert root.joinpath(name).read_text(encoding="utf-8") == packaged.joinpath(name).read_text(
            encoding="utf-8"
        )
