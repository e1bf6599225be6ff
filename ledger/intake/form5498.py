"""Form 5498 -> ledger events. The form reports a year's contributions and the Dec 31
value of ONE account; it does not say when a contribution was deposited, whether a
traditional contribution was deducted, or the value of the person's other IRAs.

Mapping (Instructions for Forms 1099-R and 5498, box 1-11 notes):

* box 10 (Roth IRA contributions, made for the form's year, up to the filing deadline)
  -> ``roth_contribution`` for ``tax_year``; the deposit date is required (``--date``).
* box 1 (traditional IRA contributions) -> ``ira_contribution``; ``--deductible`` or
  ``--nondeductible`` is required (a nondeductible one is Form 8606 line 1 basis).
* box 3 (Roth conversion) mirrors the 1099-R of the IRA it left: recorded only with
  ``--record-conversion``, so a conversion is not counted twice.
* box 5 (FMV on Dec 31) -> ``ira_year_end_value`` (traditional/SEP/SIMPLE; Form 8606 line 6
  needs ALL of them summed, plus outstanding rollovers) or ``roth_year_end_value``.
* box 2 (rollovers) and box 11 (RMD next year) are notes: not Roth basis events.
"""

from __future__ import annotations

from ..errors import Problem
from .forms import Facts5498, Form5498, FormRefused

F = "5498"
ACCOUNTS = ("IRA", "SEP", "SIMPLE", "ROTH")


def events_from_5498(form: Form5498, facts: Facts5498) -> tuple[list[dict], list[str]]:
    """The raw events one Form 5498 records, and notes; raises InvalidInput listing every
    box that cannot be used (wrong account type, missing fact)."""
    problems: list[Problem] = []

    def bad(box: str, message: str) -> None:
        problems.append(Problem(F, None, box, message))

    account = (form.account or "").upper()
    if account not in ACCOUNTS:
        bad("box 7", f"account type {form.account!r}: check IRA, SEP, SIMPLE or Roth IRA")
    roth = account == "ROTH"
    boxes = {
        "box 1": form.box1_ira_contributions,
        "box 2": form.box2_rollover,
        "box 3": form.box3_roth_conversion,
        "box 5": form.box5_fmv,
        "box 10": form.box10_roth_contributions,
    }
    for box, value in boxes.items():
        if value is not None and value < 0:
            bad(box, f"{value} is negative")
    if form.box10_roth_contributions and not roth:
        bad(
            "box 10",
            "Roth IRA contributions on a 5498 whose account is not a Roth IRA "
            "(check the Roth IRA box)",
        )
    if form.box3_roth_conversion and not roth:
        bad("box 3", "a Roth conversion is reported on the receiving Roth IRA's 5498")
    if form.box1_ira_contributions and roth:
        bad("box 1", "box 1 is for traditional IRA contributions; a Roth IRA's are in box 10")
    if form.box1_ira_contributions and account == "SIMPLE":
        bad("box 1", "SIMPLE IRA contributions are in box 9, not box 1")
    contribution = form.box10_roth_contributions or form.box1_ira_contributions
    if contribution and facts.date is None:
        box = "box 10" if form.box10_roth_contributions else "box 1"
        bad(
            "date",
            f"{box}: Form 5498 does not say when it was deposited, so not whether "
            f"it was made in {form.tax_year} or in {form.tax_year + 1} before the filing "
            f"deadline (a prior-year contribution): give --date (the deposit day)",
        )
    if form.box1_ira_contributions and facts.deductible is None:
        bad(
            "deductible",
            "box 1: whether it was deducted is not on Form 5498: give "
            "--deductible or --nondeductible (a nondeductible one adds basis, 8606 line 1)",
        )
    if facts.record_conversion and not form.box3_roth_conversion:
        bad("box 3", "--record-conversion but box 3 (Roth IRA conversion amount) is empty")
    if form.box3_roth_conversion and facts.record_conversion and facts.conversion_date is None:
        bad(
            "conversion_date",
            "box 3 with --record-conversion needs --conversion-date (the "
            "day the Roth IRA received it; not on Form 5498)",
        )
    if (
        form.box3_roth_conversion
        and facts.conversion_date is not None
        and facts.conversion_date.year != form.tax_year
    ):
        bad(
            "conversion_date",
            f"{facts.conversion_date} is not in {form.tax_year}: box 3 "
            f"reports conversions the Roth IRA received in {form.tax_year}",
        )
    if (
        facts.year_end_total is not None
        and form.box5_fmv is not None
        and facts.year_end_total < form.box5_fmv
    ):
        bad(
            "year_end_total",
            f"{facts.year_end_total} is less than this account's box 5 ({form.box5_fmv})",
        )
    if problems:
        raise FormRefused(problems)
    return _events(form, facts, roth)


def _events(form: Form5498, facts: Facts5498, roth: bool) -> tuple[list[dict], list[str]]:
    trustee = f" {form.trustee}" if form.trustee else ""
    events: list[dict] = []
    notes: list[str] = []
    person, year = facts.person, form.tax_year

    def add(box: str, event: dict) -> None:
        event.setdefault("source", f"5498{trustee} {year} {box}")
        events.append(event)

    if form.box10_roth_contributions:
        add(
            "box 10",
            {
                "kind": "roth_contribution",
                "person": person,
                "tax_year": year,
                "date": facts.date,
                "amount": form.box10_roth_contributions,
            },
        )
        notes.append(
            "box 10 is the year's total: if it was deposited on several days, "
            "record each deposit with `record roth_contribution` instead"
        )
    if form.box10_roth_contributions or form.box1_ira_contributions:
        if facts.date is not None and facts.date.year > year:
            clock = (
                f"; a first Roth IRA contribution starts the 5-year clock on "
                f"{year}-01-01, RULES (b1)"
                if form.box10_roth_contributions
                else ""
            )
            notes.append(
                f"deposited on {facts.date} for {year}: a prior-year contribution, "
                f"counted for {year} (RULES (a) aggregation{clock})"
            )
    if form.box1_ira_contributions:
        add(
            "box 1",
            {
                "kind": "ira_contribution",
                "person": person,
                "tax_year": year,
                "date": facts.date,
                "amount": form.box1_ira_contributions,
                "deductible": bool(facts.deductible),
            },
        )
    if form.box3_roth_conversion:
        if facts.record_conversion:
            add(
                "box 3",
                {
                    "kind": "roth_conversion",
                    "person": person,
                    "date": facts.conversion_date,
                    "amount": form.box3_roth_conversion,
                },
            )
            notes.append(
                "box 3 recorded as a conversion: do not also enter its 1099-R with "
                "--converted (record the conversion once)"
            )
        else:
            notes.append(
                f"box 3 ({form.box3_roth_conversion}) mirrors a 1099-R; record the "
                "conversion once: enter the 1099-R with --converted (it has the "
                "date), or pass --record-conversion here"
            )
    if form.box2_rollover:
        notes.append(
            f"box 2 ({form.box2_rollover}): rollovers are not taxable events in the "
            "ledger; nothing recorded"
        )
    if form.box11_rmd_next_year:
        notes.append(
            "box 11: an RMD is due for next year (the ledger does not track RMDs)"
            + ("; unusual for a Roth IRA owner" if roth else "")
        )
    if form.box5_fmv is not None and not facts.skip_year_end:
        events += _year_end(form, facts, roth, notes)
    return events, notes


def _year_end(form: Form5498, facts: Facts5498, roth: bool, notes: list[str]) -> list[dict]:
    kind = "roth_year_end_value" if roth else "ira_year_end_value"
    value = form.box5_fmv if facts.year_end_total is None else facts.year_end_total
    assert value is not None  # called only when box 5 is on the form
    trustee = f" {form.trustee}" if form.trustee else ""
    event = {
        "kind": kind,
        "person": facts.person,
        "year": form.tax_year,
        "value": value,
        "source": f"5498{trustee} {form.tax_year} box 5",
    }
    if facts.year_end_total is not None:
        event["memo"] = f"total of all accounts; this account's box 5 is {form.box5_fmv}"
    elif not roth:
        notes.append(
            "box 5 recorded as the year-end value of ALL traditional/SEP/SIMPLE IRAs "
            "(Form 8606 line 6 needs them summed, plus outstanding rollovers): if "
            "you have other IRAs, pass --year-end-total with the sum instead (the "
            "latest record for a year wins)"
        )
    else:
        notes.append(
            "box 5 recorded as the Dec 31 value of all Roth IRAs: with several Roth "
            "IRAs, pass --year-end-total with the sum"
        )
    return [event]
