"""Generate a realistic firm ledger: households of one or two people, about 100 events each
over 20 years — Roth contributions, backdoor conversions with Form 8606 year-end values,
mega-backdoor plan flows, Roth 401(k) rollovers and withdrawals. Deterministic (seeded)."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

FIRST_YEAR = 2005
YEARS = 20
#: the IRA contribution limit under 50 (IRC §219(b)(5)), so generated clients stay within it
IRA_LIMIT = {
    **{y: 4000 for y in range(2005, 2008)},
    **{y: 5000 for y in range(2008, 2013)},
    **{y: 5500 for y in range(2013, 2019)},
    **{y: 6000 for y in range(2019, 2023)},
    2023: 6500,
    2024: 7000,
}


def _money(rng: random.Random, lo: int, hi: int) -> str:
    return f"{rng.randint(lo, hi)}.{rng.randint(0, 99):02d}"


def household(i: int, events_per_household: int = 100, seed: int = 7) -> dict:
    rng = random.Random(seed * 1_000_003 + i)
    hid = f"hh{i:06d}"
    people = [
        {
            "id": "a",
            "name": f"Client {i} A",
            "born": date(
                rng.randint(1955, 1990), rng.randint(1, 12), rng.randint(1, 28)
            ).isoformat(),
        }
    ]
    if rng.random() < 0.6:
        people.append(
            {
                "id": "b",
                "name": f"Client {i} B",
                "born": date(
                    rng.randint(1955, 1990), rng.randint(1, 12), rng.randint(1, 28)
                ).isoformat(),
            }
        )
    events: list[dict] = []
    n = 0

    def add(**e):
        nonlocal n
        n += 1
        e["id"] = f"e{n}"
        events.append(e)

    per_person = max(events_per_household // len(people), 5)
    for p in people:
        pid = p["id"]
        count = 0
        for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
            # spread the person's events over all 20 years: by the end of this year, about
            # per_person * (years so far) / 20 of them
            due = per_person * (year - FIRST_YEAR + 1) // YEARS
            if count >= due:
                continue
            limit = IRA_LIMIT[year]
            style = rng.random()
            if style < 0.5:  # a regular Roth contribution, sometimes made by next April
                d = date(year, rng.randint(1, 12), rng.randint(1, 28))
                if rng.random() < 0.3:
                    d = date(year + 1, rng.randint(1, 3), rng.randint(1, 28))
                add(
                    kind="roth_contribution",
                    person=pid,
                    tax_year=year,
                    date=d.isoformat(),
                    amount=_money(rng, 1000, limit - 1),
                )
                count += 1
            elif style < 0.8:  # backdoor: nondeductible IRA, conversion, year-end value
                add(
                    kind="ira_contribution",
                    person=pid,
                    tax_year=year,
                    date=date(year, 1, rng.randint(2, 20)).isoformat(),
                    amount=f"{limit}.00",
                    deductible=False,
                )
                add(
                    kind="roth_conversion",
                    person=pid,
                    date=date(year, 2, rng.randint(1, 28)).isoformat(),
                    amount=_money(rng, limit, limit + 100),
                )
                add(
                    kind="ira_year_end_value",
                    person=pid,
                    year=year,
                    value=str(rng.choice([0, 0, 0, rng.randint(1000, 90000)])) + ".00",
                )
                count += 3
            if year >= 2015 and rng.random() < 0.4:  # mega backdoor: after-tax, then a split
                amt = Decimal(_money(rng, 10000, 30000))
                add(
                    kind="plan_after_tax_contribution",
                    person=pid,
                    plan=f"k{pid}",
                    date=date(year, 3, 1).isoformat(),
                    amount=str(amt),
                )
                value = amt + Decimal(rng.randint(0, 3000))
                to_roth = (amt * Decimal("0.8")).quantize(Decimal("0.01"))
                add(
                    kind="plan_distribution",
                    person=pid,
                    plan=f"k{pid}",
                    date=date(year, 9, 1).isoformat(),
                    amount=str(amt),
                    account_value=str(value),
                    separate_accounting=True,
                    to_roth_ira=str(to_roth),
                    to_traditional_ira=str(amt - to_roth),
                    to_cash="0.00",
                )
                count += 2
            if rng.random() < 0.5:
                add(
                    kind="roth_year_end_value",
                    person=pid,
                    year=year,
                    value=_money(rng, 10000, 400000),
                )
                count += 1
            while count < due:  # withdrawals fill the year
                add(
                    kind="roth_distribution",
                    person=pid,
                    date=date(year, rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
                    amount=_money(rng, 100, 2000),
                )
                count += 1
    return {
        "version": 1,
        "household": {"id": hid, "name": f"Household {i}"},
        "people": people,
        "events": events,
    }


#: the span of one client's lifetime ledger (the first Roth IRA year to the last generated)
LIFETIME_FIRST, LIFETIME_LAST = 1998, FIRST_YEAR + YEARS - 1


def lifetime(events: int, hid: str = "lifetime") -> dict:
    """One person's lifetime ledger of ``events`` events: monthly Roth contributions and
    conversions (alternating, spread evenly over 1998-2024; each year's contributions
    together stay within that year's limit) and one withdrawal at the end. The same span
    at every size, so a larger ledger is a denser history, not a longer one."""
    n = events - 1
    months = (LIFETIME_LAST - LIFETIME_FIRST + 1) * 12
    dates = [
        date(LIFETIME_FIRST + m // 12, m % 12 + 1, 1 + k % 28)
        for k in range(n)
        for m in [k * months // n]
    ]
    per_year: dict[int, int] = {}
    for k, d in enumerate(dates):
        if k % 2 == 0:
            per_year[d.year] = per_year.get(d.year, 0) + 1
    limit = {
        **IRA_LIMIT,
        **{y: 2000 for y in range(1998, 2002)},
        **{y: 3000 for y in (2002, 2003, 2004)},
    }
    out: list[dict] = []
    for k, d in enumerate(dates):
        if k % 2 == 0:
            cents = limit[d.year] * 100 // per_year[d.year]
            amount = f"{cents // 100}.{cents % 100:02d}"
            out.append(
                {
                    "kind": "roth_contribution",
                    "person": "p",
                    "tax_year": d.year,
                    "date": d.isoformat(),
                    "amount": amount,
                }
            )
        else:
            out.append(
                {
                    "kind": "roth_conversion",
                    "person": "p",
                    "date": d.isoformat(),
                    "amount": "1000.00",
                    "taxable": "1000.00",
                }
            )
    out.append(
        {
            "kind": "roth_distribution",
            "person": "p",
            "date": f"{LIFETIME_LAST}-12-15",
            "amount": "5000.00",
        }
    )
    for i, e in enumerate(out, start=1):
        e["id"] = f"e{i}"
    return {
        "version": 1,
        "household": {"id": hid, "name": f"Lifetime {events}"},
        "people": [{"id": "p", "name": "Pat Lifetime", "born": "1960-03-01"}],
        "events": out,
    }
