"""Which §72(t) exception a distribution may claim, and what its cap leaves: the rule
called with the law as a plain value (from the data file, or built here)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from ledger import yearly
from ledger.rules import exceptions as exc

D = Decimal


def test_last_available_date_comes_from_the_law():
    # a kind the data gives an end date (here set on the year's law value) is refused after it
    law = yearly.exception_law(2025)
    medical = replace(law.kinds["medical"], available_until=date(2025, 6, 30))
    ended = replace(law, kinds={**law.kinds, "medical": medical})
    assert exc.claim("medical", date(2025, 6, 30), ended, None) == exc.Claim("medical", "medical")
    with pytest.raises(exc.ExceptionRefused, match="on or before 2025-06-30"):
        exc.claim("medical", date(2025, 7, 1), ended, None)


def test_numbers_name_their_kind_in_their_year():
    # I5329 2016: 09 first home; I5329 (Nov 2025, as transcribed): 19 birth or adoption
    assert exc.claim("9", date(2016, 5, 1), yearly.exception_law(2016), None).kind == "first_home"
    assert exc.claim("19", date(2025, 5, 1), yearly.exception_law(2025), None).kind == (
        "birth_adoption"
    )


def test_caps_lifetime_and_yearly():
    # §72(t)(8)(B) $10,000 lifetime; §72(t)(2)(I) $1,000 a calendar year
    law = yearly.exception_law(2024)
    home, emergency = law.kinds["first_home"], law.kinds["emergency"]
    used = exc.use_cap(home, date(2020, 5, 1), D(6000), exc.CapUsage())
    assert exc.cap_room(home, date(2024, 5, 1), used) == D(4000)
    used = exc.use_cap(emergency, date(2024, 2, 1), D(800), used)
    assert exc.cap_room(emergency, date(2024, 9, 1), used) == D(200)
    assert exc.cap_room(emergency, date(2025, 1, 2), used) == D(1000)
    assert exc.cap_room(law.kinds["medical"], date(2024, 1, 2), used) is None
    assert exc.CapUsage().of("first_home", None) == 0  # the usage is a value: unchanged


def test_a_year_without_a_cap_on_file_is_missing_not_defaulted():
    from ledger.errors import MissingFact

    law = yearly.exception_law(2030)  # domestic abuse: indexed caps on file to 2026
    with pytest.raises(MissingFact, match="no 2030 cap"):
        exc.cap_room(law.kinds["domestic_abuse"], date(2030, 3, 1), exc.CapUsage())
