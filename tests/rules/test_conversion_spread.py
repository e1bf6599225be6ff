"""1998 and 2010 conversion income spreads (IRC §408A(d)(3)(A)(iii), (E)), on the rule."""

from decimal import Decimal

from ledger.rules.conversion_spread import inclusion

D = Decimal
Z = D(0)


def test_2010_half_in_2011_and_2012():
    # IRS "2012 Reporting of 2010 Roth Rollovers and Conversions": half each year.
    assert inclusion(D(12000), 2010, 2010, Z, Z) == 0
    assert inclusion(D(12000), 2010, 2011, Z, Z) == 6000
    assert inclusion(D(12000), 2010, 2012, D(6000), Z) == 6000


def test_2010_accelerated_by_a_2011_distribution():
    # §408A(d)(3)(E): 2011 adds the distributed 5,000; 2012 takes what is left.
    assert inclusion(D(20000), 2010, 2011, Z, D(5000)) == 15000
    assert inclusion(D(20000), 2010, 2012, D(15000), Z) == 5000


def test_1998_four_years_with_odd_cents():
    # 1998 conversions: ratably over 1998-2001; the last year takes the remainder.
    total, got = D("10000.01"), Z
    for year in (1998, 1999, 2000, 2001):
        got += inclusion(total, 1998, year, got, Z)
    assert got == total
    assert inclusion(total, 1998, 1998, Z, Z) == D("2500.00")
