"""Form 1099-R -> ledger events: box 7 codes decide the kind, the boxes the amounts, and
the user supplies what the form cannot tell (the date, a plan id, where the money went).

Mapping (Instructions for Forms 1099-R and 5498, Guide to Distribution Codes):

* Roth IRA codes J, Q, T (never with the IRA/SEP/SIMPLE box) -> ``roth_distribution``;
  J8 / JP (a contribution returned with its earnings) -> ``roth_contribution_return``
  with earnings = box 2a. Code 8 means the earnings are taxable in the year of the
  1099-R, code P in the year before; neither says which tax year's contribution came
  back (a contribution for 2023 made in March 2024 and returned in 2024 is coded 8 on
  the 2024 form), so the user gives it (``for_tax_year``) and that year's contribution is
  removed: not after the form's year, and for P not in it.
  Q and T say the owner is 59½, dead or disabled: refused when the ledger says otherwise.
* IRA/SEP/SIMPLE box with 1, 2, 7, S, 3, 4 -> ``ira_distribution``, or ``roth_conversion``
  with ``--converted`` (``date`` = the day the Roth IRA received it; ``distributed_on`` =
  the distribution date when that was in an earlier year: RULES section 0, cross-year
  conversions). Code 7 says the owner is at least 59½.
* H (designated Roth account -> Roth IRA) -> ``designated_roth_rollover``, basis = box 5;
  ``qualified`` from age/death/disability and box 11 (the designated Roth 5-year period),
  else ``--qualified/--nonqualified``. B+G is a rollover to another plan's designated Roth
  account, not a Roth IRA (the instructions: "Do not use Code G ... to a Roth IRA. Use
  Code H").
* G (plan, not designated Roth) -> ``plan_distribution`` split among the destinations the
  user gives (Notice 2014-54), or ``in_plan_roth_rollover`` with ``--in-plan``.
* 4 (death) and 3 (disability): the ledger needs ``person_died``/``person_disabled``.
* N and R (a recharacterized IRA contribution: N made for the year of the 1099-R and
  recharacterized in it, R made for the year before and recharacterized in the form's
  year; Instructions for Forms 1099-R and 5498, Guide to Distribution Codes;
  Announcement 2000-86) -> ``recharacterization`` of the contribution (or, before 2018, the
  conversion) the form moved: box 1 is the amount moved with its net income attributable
  (Reg. 1.408A-5 A-2). The payer is the IRA it left: with the IRA/SEP/SIMPLE box a
  traditional IRA contribution, without it a Roth IRA contribution or conversion.
  ``--target`` names it; else the one such contribution of the year the code says is
  used, and none or several are refused. ``--part`` is the part of it recharacterized,
  before its net income (default: all of it; ``ledger.projections.recharacterize``). A conversion made after 2017 cannot be
  recharacterized (Tax Cuts and Jobs Act of 2017 §13611; IRC §408A(d)(6)(B)(iii)).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..dates import age_59_and_a_half
from ..errors import NotSupported
from .forms import (
    RECHARACTERIZATION_CODES,
    ROTH_IRA_CODES,
    Facts1099R,
    Form1099R,
    parse_codes,
    refuse,
)

ZERO = Decimal("0.00")
F = "1099-R"


def _status(born: date, on: date, facts: Facts1099R) -> tuple[bool, str | None]:
    """(59½, death or disability applies on ``on``; which of them)."""
    if on >= age_59_and_a_half(born):
        return True, "59½"
    died = facts.recorded_died_on or facts.died_on
    if died is not None and died <= on:
        return True, "death"
    disabled = facts.recorded_disabled_on or facts.disabled_on
    if disabled is not None and disabled <= on:
        return True, "disability"
    return False, None


def _source(form: Form1099R) -> str:
    payer = f" {form.payer}" if form.payer else ""
    return f"1099-R{payer} {form.tax_year} box 7 {form.box7_codes.upper().strip()}"


def _person_events(codes, facts: Facts1099R, notes: list[str]) -> list[dict]:
    out: list[dict] = []
    if facts.died_on and facts.recorded_died_on is None:
        out.append({"kind": "person_died", "person": facts.person, "date": facts.died_on})
    elif "4" in codes and facts.recorded_died_on is None:
        notes.append(
            "code 4 (death): no death is recorded for "
            f"{facts.person}; give --died-on DATE so the ledger treats the "
            "distribution as paid to a beneficiary. If the form is a beneficiary's (an "
            f"inherited Roth IRA), {facts.person} is the beneficiary, not the decedent: "
            "not supported here -- record roth_inherited and the roth_distribution with "
            "inherited_from instead (and void what this form recorded)"
        )
    if facts.disabled_on and facts.recorded_disabled_on is None:
        out.append({"kind": "person_disabled", "person": facts.person, "date": facts.disabled_on})
    elif "3" in codes and facts.recorded_disabled_on is None:
        notes.append(
            "code 3 (disability): no disability is recorded for "
            f"{facts.person}; give --disabled-on DATE (§72(m)(7)) so the 10% "
            "exception and the qualified test apply"
        )
    return out


def events_from_1099r(
    form: Form1099R, person_born: date, facts: Facts1099R
) -> tuple[list[dict], list[str]]:
    """The raw events (``kind`` + field names of ``ledger.events.FIELDS``) one Form 1099-R
    records, and notes for the user. Raises InvalidInput naming the box when the form's
    combination is impossible or a needed fact is missing."""
    codes = parse_codes(form.box7_codes)
    _check_amounts(form)
    if facts.date is None:
        raise refuse(F, "date", "the distribution date is not on Form 1099-R: give --date")
    if facts.date.year != form.tax_year:
        raise refuse(
            F,
            "date",
            f"{facts.date} is not in {form.tax_year}: a 1099-R for "
            f"{form.tax_year} reports distributions made in {form.tax_year}",
        )
    born59 = age_59_and_a_half(person_born)
    if "7" in codes and facts.date < born59 and "4" not in codes:
        raise refuse(
            F,
            "box 7",
            f"code 7 (normal distribution) but the person is under 59½ "
            f"on {facts.date} (59½ on {born59}); an early distribution is coded 1 or 2",
        )
    if facts.returned_contribution is not None and not ("8" in codes or "P" in codes):
        raise refuse(
            F,
            "returned_contribution",
            f"code {''.join(codes)} is not a returned "
            "contribution (codes J8 and JP are); drop --returned-contribution",
        )
    notes: list[str] = []
    if facts.target is not None and not set(codes) & RECHARACTERIZATION_CODES:
        raise refuse(
            F,
            "target",
            f"code {''.join(codes)} is not a recharacterization (codes N and R are); drop --target",
        )
    if facts.part is not None and not set(codes) & RECHARACTERIZATION_CODES:
        raise refuse(
            F,
            "part",
            f"code {''.join(codes)} is not a recharacterization (codes N and R are); drop --part",
        )
    events = _person_events(codes, facts, notes)
    if set(codes) & RECHARACTERIZATION_CODES:
        events += [_recharacterization(form, codes, facts, notes)]
    elif set(codes) & ROTH_IRA_CODES:
        events += _roth_ira(form, codes, person_born, facts, notes)
    elif "H" in codes or ("B" in codes and "G" in codes):
        events += _designated_roth(form, codes, person_born, facts, notes)
    elif "B" in codes:
        raise NotSupported(
            f"1099-R box 7 {''.join(codes)}: a designated Roth account paid out (not rolled "
            "to a Roth IRA) does not enter the Roth IRA ledger; if you rolled it into a Roth "
            "IRA within 60 days, use `record designated_roth_rollover`"
        )
    elif "G" in codes:
        events += _rollover(form, codes, facts, notes)
    elif facts.plan is not None and not form.ira_sep_simple:
        events += [_plan_distribution(form, facts, notes, default_cash=True)]
    elif form.ira_sep_simple:
        events += _traditional_ira(form, codes, person_born, facts, notes)
    elif facts.roth_ira:
        events += _roth_ira(form, codes, person_born, facts, notes)
    else:
        raise refuse(
            F,
            "box 7",
            f"code {''.join(codes)} without the IRA/SEP/SIMPLE box: say "
            "where it came from: --plan ID (an employer plan), --roth-ira (a Roth "
            "IRA; its codes are J, Q or T) or --ira-sep-simple (the box is checked)",
        )
    if facts.rolled_over is not None:
        _rolled_over(form, codes, facts, events, notes)
    for event in events:
        event.setdefault("source", _source(form))
    return events, notes


def _rolled_over(form, codes, facts, events: list[dict], notes: list[str]) -> None:
    """``--rolled-over``: the part of an IRA or Roth IRA distribution paid back into an IRA
    of the same kind within 60 days (IRC §408(d)(3)). The form does not show it (the payer
    reports the distribution; the receiving IRA's Form 5498 box 2 shows the rollover)."""
    label = "".join(codes)
    kinds = [e for e in events if e["kind"] in ("roth_distribution", "ira_distribution")]
    if len(kinds) != 1 or len(events) != len(kinds) + sum(
        e["kind"] in ("person_died", "person_disabled") for e in events
    ):
        what = ", ".join(sorted({e["kind"] for e in events})) or "nothing"
        raise refuse(
            F,
            "rolled_over",
            f"code {label} records {what}: --rolled-over is for a distribution from an IRA "
            "or a Roth IRA paid back in within 60 days (a conversion, a returned "
            "contribution or plan money is not a 60-day IRA rollover)",
        )
    amount = facts.rolled_over
    if amount <= 0 or amount > form.box1_gross:
        raise refuse(
            F,
            "rolled_over",
            f"{amount} must be more than 0 and at most box 1 ({form.box1_gross})",
        )
    event = kinds[0]
    event["rolled_over"] = amount
    rest = form.box1_gross - amount
    notes.append(
        f"{amount} of box 1 rolled over within 60 days is not a distribution (Form 8606 "
        f"{'Part III' if event['kind'] == 'roth_distribution' else 'line 7'} takes "
        f"{rest}); the receiving IRA's Form 5498 box 2 should show the rollover"
    )


_KIND_NAMES = {
    "roth_contribution": "Roth IRA contribution",
    "ira_contribution": "traditional IRA contribution",
    "roth_conversion": "conversion",
}


def _recharacterization(form, codes, facts, notes) -> dict:
    """N / R: the contribution the form recharacterized, found or checked (module
    docstring); the event's checks (``ledger.ledgerfile.checks``) then apply."""
    code = codes[0]
    year = form.tax_year if code == "N" else form.tax_year - 1
    said = f"code {code}: a contribution made for {year} and recharacterized in {form.tax_year}"
    if facts.plan is not None or facts.converted or facts.rolled_over is not None:
        raise refuse(
            F,
            "box 7",
            f"{said} moves IRA money trustee to trustee: not a plan distribution, a "
            "conversion or a rollover (drop --plan, --converted, --rolled-over)",
        )
    kinds = (
        ("ira_contribution",) if form.ira_sep_simple else ("roth_contribution", "roth_conversion")
    )
    source = "a traditional IRA" if form.ira_sep_simple else "a Roth IRA"
    box = "checked" if form.ira_sep_simple else "not checked"
    if facts.target is not None:
        target = next((c for c in facts.recharacterizable if c.id == facts.target), None)
        if target is not None and (target.kind not in kinds or target.tax_year != year):
            raise refuse(
                F,
                "target",
                f"{said}, from {source} (the IRA/SEP/SIMPLE box is {box}), but "
                f"{target.id} is a {_KIND_NAMES[target.kind]} for {target.tax_year}",
            )
        # an id the ledger does not hold (or already recharacterized): the event's checks say so
        target_id = facts.target
    else:
        found = [
            c
            for c in facts.recharacterizable
            if c.kind in kinds and c.tax_year == year and not _after_2017_conversion(c)
        ]
        if len(found) > 1:
            listed = ", ".join(
                f"{c.id} ({_KIND_NAMES[c.kind]} {c.amount} on {c.date})" for c in found
            )
            raise refuse(
                F,
                "target",
                f"{said}, from {source}; {facts.person} has several: {listed}. Give "
                "--target ID (the one recharacterized)",
            )
        if not found:
            late = [
                c
                for c in facts.recharacterizable
                if c.kind in kinds and c.tax_year == year and _after_2017_conversion(c)
            ]
            if late:
                raise refuse(
                    F,
                    "box 7",
                    f"{said}; the only one recorded for {year} is the conversion "
                    f"{late[0].id} (made in {late[0].tax_year}), and a conversion made after 2017 "
                    "cannot be recharacterized (Tax Cuts and Jobs Act of 2017 §13611, IRC "
                    "§408A(d)(6)(B)(iii))",
                )
            other = "a Roth IRA" if form.ira_sep_simple else "a traditional IRA"
            raise refuse(
                F,
                "target",
                f"{said}, from {source} (the IRA/SEP/SIMPLE box is {box}), but no "
                f"{' or '.join(_KIND_NAMES[k] for k in kinds)} for {year} is recorded for "
                f"{facts.person} that is not already recharacterized: record it first, "
                f"give --target ID, or check the box (from {other}: the box is "
                f"{'not ' if form.ira_sep_simple else ''}checked)",
            )
        target_id = found[0].id
        target = found[0]
    if form.box2a_taxable:
        notes.append(
            f"box 2a is {form.box2a_taxable}; a recharacterization is not taxable (box 2a "
            "is normally 0): not recorded"
        )
    if target is not None:
        to = "a Roth IRA" if target.kind == "ira_contribution" else "a traditional IRA"
        part = facts.part if facts.part is not None and facts.part < target.amount else None
        if part is None:
            what = (
                "undone (no Part II income, no layer)"
                if target.kind == "roth_conversion"
                else f"treated as made to {to} on {target.date} for {target.tax_year}"
            )
        elif target.kind == "roth_conversion":
            what = f"undone for {part} of it ({target.amount - part} stays converted)"
        else:
            what = (
                f"split: {part} of it is treated as made to {to} on {target.date} for "
                f"{target.tax_year}, {target.amount - part} stays"
            )
        notes.append(
            f"code {code}: {target.id} ({_KIND_NAMES[target.kind]} {target.amount}) is "
            f"{what}; box 1 ({form.box1_gross}) is what moved, its net income included"
        )
        if facts.part is None and form.box1_gross != target.amount:
            notes.append(
                f"the whole of {target.id} is taken as recharacterized (box 1 differs from "
                f"its {target.amount} by its gain or loss); if only part of it was, give "
                "--part (the part of its amount moved, before its net income)"
            )
    return {
        "kind": "recharacterization",
        "person": facts.person,
        "date": facts.date,
        "target": target_id,
        "amount": form.box1_gross,
        **({"part": facts.part} if facts.part is not None else {}),
    }


def _after_2017_conversion(c) -> bool:
    return c.kind == "roth_conversion" and c.tax_year >= 2018


def _check_amounts(form: Form1099R) -> None:
    if form.box1_gross <= 0:
        raise refuse(F, "box 1", "the gross distribution must be more than zero")
    for box, value in (
        ("box 2a", form.box2a_taxable),
        ("box 5", form.box5_employee_contributions),
        ("box 10", form.box10_irr_within_5_years),
    ):
        if value is not None and value > form.box1_gross:
            raise refuse(F, box, f"{value} is more than box 1 ({form.box1_gross})")


def _roth_ira(form, codes, born, facts, notes) -> list[dict]:
    label = "".join(codes)
    if form.ira_sep_simple:
        raise refuse(
            F,
            "box 7",
            f"code {label} is for a Roth IRA, but the IRA/SEP/SIMPLE box "
            "is checked (it is never checked for a Roth IRA)",
        )
    if facts.plan is not None:
        raise refuse(
            F,
            "box 7",
            f"code {label} is for a Roth IRA, not a plan; a designated "
            "Roth account's codes are B or H",
        )
    for box, value in (
        ("box 11", form.box11_first_year_designated_roth),
        ("box 10", form.box10_irr_within_5_years),
    ):
        if value is not None:
            raise refuse(
                F,
                box,
                f"1099-R code {label} with {box}: {box} is only for "
                "designated Roth accounts (plans), never a Roth IRA",
            )
    if facts.converted:
        raise refuse(F, "converted", f"code {label}: a Roth IRA distribution is not a conversion")
    if "1" in codes:
        raise refuse(F, "box 7", "code 1 from a Roth IRA: use J (Guide to Distribution Codes)")
    if "7" in codes:
        raise refuse(
            F,
            "box 7",
            'code 7 from a Roth IRA: Roth IRAs use Q or T ("Do not use Code 7 for a Roth IRA")',
        )
    if form.box5_employee_contributions:
        notes.append(
            "box 5 is not used for Roth IRA distributions; your basis comes from the "
            "ledger's contributions and conversions (not recorded)"
        )
    ok, why = _status(born, facts.date, facts)
    for code, name in (("Q", "qualified"), ("T", "exception applies")):
        if code in codes and not ok:
            raise refuse(
                F,
                "box 7",
                f"code {code} ({name}) requires 59½, death or disability, "
                f"but on {facts.date} the person is under 59½ (59½ on "
                f"{age_59_and_a_half(born)}) and no death or disability is recorded "
                "(give --died-on or --disabled-on if one applies)",
            )
    if "J" in codes and ok and why == "59½":
        notes.append(
            f"code J but the person is 59½ on {facts.date}: the payer did not know; "
            "the ledger applies the age exception itself (Form 5329 exception 12)"
        )
    if "8" in codes or "P" in codes:
        return [_returned_contribution(form, codes, facts, notes)]
    if "2" in codes:
        notes.append(
            "code 2 from a Roth IRA is used for an IRS levy: give --exception levy "
            "if that is what it was"
        )
    if "Q" in codes:
        notes.append(
            "code Q is the payer's view; the ledger decides qualified status from "
            "your own 5-year clock and age"
        )
    if form.box2a_taxable:
        notes.append(
            f"box 2a ({form.box2a_taxable}) is not recorded: the taxable part of a "
            "Roth IRA distribution comes from Form 8606 Part III (`report withdrawals`)"
        )
    event = {
        "kind": "roth_distribution",
        "person": facts.person,
        "date": facts.date,
        "amount": form.box1_gross,
    }
    if facts.exception:
        event["exception"] = facts.exception
    if facts.disaster:
        event["disaster"] = True
    return [event]


def _returned_contribution(form, codes, facts, notes) -> dict:
    """J8 / JP: box 1 = contribution + net income, box 2a = the net income; 8 = the
    earnings are taxable in the form's year, P = in the year before (Instructions for
    Forms 1099-R and 5498, Guide to Distribution Codes). The tax year the contribution was
    for is not on the form (``for_tax_year``). After a loss only the user knows the
    contribution (``returned_contribution``)."""
    label = "".join(codes)
    year = _returned_year(form, codes, facts)
    given = facts.returned_contribution
    if given is None:
        if form.box2a_taxable is None:
            raise refuse(
                F,
                "box 2a",
                f"code {label} (a returned contribution) needs box 2a, "
                "the earnings returned with it (0 if none)",
            )
        amount, earnings = form.box1_gross - form.box2a_taxable, form.box2a_taxable
        if amount <= 0:
            raise refuse(
                F,
                "box 2a",
                f"box 2a ({form.box2a_taxable}) is all of box 1: "
                "nothing is left for the contribution returned",
            )
        if earnings == 0:
            notes.append(
                "box 2a is 0: if the contribution lost value, box 1 is less than the "
                "contribution; give --returned-contribution AMOUNT so that all of it is "
                "removed from basis"
            )
    else:
        if given <= 0:
            raise refuse(F, "returned_contribution", f"{given} must be more than zero")
        gain = form.box1_gross - given
        if gain > 0 and form.box2a_taxable is not None and form.box2a_taxable != gain:
            raise refuse(
                F,
                "box 2a",
                f"box 1 ({form.box1_gross}) less the contribution "
                f"({given}) is {gain} of earnings, but box 2a is {form.box2a_taxable}",
            )
        if gain <= 0 and form.box2a_taxable:
            raise refuse(
                F,
                "box 2a",
                f"box 2a shows earnings ({form.box2a_taxable}) but box 1 "
                f"({form.box1_gross}) is not more than the contribution ({given})",
            )
        amount, earnings = given, max(gain, ZERO)
        if gain < 0:
            notes.append(
                f"the contribution lost {-gain} before it was returned: no earnings "
                "to tax, the loss is not deductible, and all of the contribution is "
                "treated as never made"
            )
    code = "P" if "P" in codes else "8"
    taxable_in = form.tax_year - 1 if code == "P" else form.tax_year
    notes.append(
        f"code {code}: the earnings ({earnings}) are taxable in {taxable_in}; the {year} "
        f"contribution returned ({amount}) is removed from basis and treated as never "
        "made (RULES (a), corrective distributions)"
    )
    held = facts.recorded_roth_contributions.get(year, ZERO)
    if held < amount:
        notes.append(
            f"only {held:.2f} of Roth IRA contributions for {year} is recorded for "
            f"{facts.person}, less than the {amount} returned: record the contribution "
            f"(Form 5498 box 10 for {year}) or check --for-tax-year"
        )
    return {
        "kind": "roth_contribution_return",
        "person": facts.person,
        "tax_year": year,
        "date": facts.date,
        "amount": amount,
        "earnings": earnings,
    }


def _returned_year(form, codes, facts) -> int:
    """The tax year of the returned contribution, as the user gives it, checked against
    what the code says (8: earnings taxable in the form's year; P: the year before)."""
    label = "".join(codes)
    year = facts.for_tax_year
    y = form.tax_year
    if year is None:
        raise refuse(
            F,
            "for_tax_year",
            f"code {label} returns a contribution but Form 1099-R does not say which tax "
            f"year's: give --for-tax-year YEAR (code 8: the earnings are taxable in {y}, the "
            f"year of the 1099-R; code P: in {y - 1}, the year before)",
        )
    if year > y:
        raise refuse(
            F,
            "for_tax_year",
            f"{year} is after {y}: a {y} Form 1099-R cannot return a contribution for {year}",
        )
    if "P" in codes and year == y:
        raise refuse(
            F,
            "for_tax_year",
            f"code P says the earnings are taxable in {y - 1}, the year before the 1099-R, "
            f"so the contribution was made by then and cannot be for {y}",
        )
    return year


def _designated_roth(form, codes, born, facts, notes) -> list[dict]:
    label = "".join(codes)
    if "H" not in codes:
        if not facts.into_roth_ira:
            raise refuse(
                F,
                "box 7",
                "code B+G is a direct rollover to another plan's "
                "designated Roth account, not a Roth IRA: nothing to record. If the "
                "money went to a Roth IRA the code should be H; give --into-roth-ira "
                "to record it as one",
            )
        notes.append(
            "B+G recorded as a rollover into a Roth IRA (--into-roth-ira); ask the "
            "plan to correct box 7 to H"
        )
    if form.ira_sep_simple:
        raise refuse(
            F,
            "box 7",
            f"code {label} is from a designated Roth account (a plan); the "
            "IRA/SEP/SIMPLE box cannot be checked",
        )
    if not facts.plan:
        raise refuse(
            F,
            "plan",
            f"code {label} (designated Roth -> Roth IRA direct rollover) "
            "needs --plan (the plan id); the box 5 amount becomes basis",
        )
    derived = _drac_qualified(form, born, facts)
    qualified = facts.qualified
    if derived is not None and qualified is not None and derived != qualified:
        why = (
            "box 11 and the person's age/death/disability say it is "
            f"{'qualified' if derived else 'not qualified'}"
        )
        raise refuse(
            F,
            "qualified",
            f"--{'qualified' if qualified else 'nonqualified'} contradicts the form: {why}",
        )
    if qualified is None:
        qualified = derived
    if qualified is None:
        raise refuse(
            F,
            "qualified",
            f"code {label} does not say whether the designated Roth "
            "distribution was qualified and box 11 is empty: give --qualified or "
            "--nonqualified (5 years since the first designated Roth contribution "
            "and 59½, death or disability)",
        )
    if form.box5_employee_contributions is None:
        notes.append("box 5 is empty: no basis recorded (a qualified rollover is all basis)")
    if form.box2a_taxable:
        notes.append(f"box 2a is {form.box2a_taxable}; a direct rollover normally shows 0")
    memo = []
    if form.box11_first_year_designated_roth is not None:
        memo.append(
            f"first designated Roth contribution year {form.box11_first_year_designated_roth}"
            " (1099-R box 11)"
        )
    if form.box10_irr_within_5_years:
        memo.append(
            f"amount allocable to IRR within 5 years {form.box10_irr_within_5_years} "
            "(1099-R box 10)"
        )
        notes.append(
            "box 10 (IRR within 5 years) is kept in the memo; the recapture clock of "
            "an in-plan rollover comes from its in_plan_roth_rollover event"
        )
    event = {
        "kind": "designated_roth_rollover",
        "person": facts.person,
        "plan": facts.plan,
        "date": facts.date,
        "amount": form.box1_gross,
        "qualified": qualified,
    }
    if form.box5_employee_contributions is not None:
        event["basis"] = form.box5_employee_contributions
    if memo:
        event["memo"] = "; ".join(memo)
    return [event]


def _drac_qualified(form, born, facts) -> bool | None:
    ok, _ = _status(born, facts.date, facts)
    if not ok:
        return False
    first = form.box11_first_year_designated_roth
    if first is None:
        return None
    return facts.date.year >= first + 5


def _rollover(form, codes, facts, notes) -> list[dict]:
    label = "".join(codes)
    for box, value in (
        ("box 11", form.box11_first_year_designated_roth),
        ("box 10", form.box10_irr_within_5_years),
    ):
        if value is not None:
            raise refuse(
                F,
                box,
                f"code {label} without B, but {box} is filled: {box} is only "
                "for designated Roth account distributions, whose direct rollover to a "
                'Roth IRA is coded H ("Do not use Code G ... Use Code H"); ask the '
                "payer to correct box 7",
            )
    if facts.into_roth_ira:
        raise refuse(
            F,
            "box 7",
            f"--into-roth-ira with code {label}: code G is never designated "
            "Roth money going to a Roth IRA (that is code H); plan money that is not "
            "designated Roth rolled to a Roth IRA is --to-roth-ira AMOUNT",
        )
    if facts.roth_ira:
        raise refuse(
            F,
            "box 7",
            f"--roth-ira with code {label}: a Roth IRA cannot be rolled "
            "into an employer plan or a traditional IRA (its codes are J, Q or T)",
        )
    if form.ira_sep_simple:
        notes.append(
            "code G from an IRA is a direct payment to an employer plan: not a "
            "distribution on Form 8606 line 7; nothing recorded (it lowers the "
            "year-end IRA value only)"
        )
        return []
    if not facts.plan:
        raise refuse(F, "plan", f"code {''.join(codes)} (direct rollover from a plan) needs --plan")
    if facts.in_plan:
        if form.box2a_taxable is None and facts.account_value is None:
            raise refuse(
                F,
                "box 2a",
                "an in-plan Roth rollover needs box 2a (taxable amount) or --account-value",
            )
        event = {
            "kind": "in_plan_roth_rollover",
            "person": facts.person,
            "plan": facts.plan,
            "date": facts.date,
            "amount": form.box1_gross,
        }
        if form.box2a_taxable is not None:
            event["taxable"] = form.box2a_taxable
        if facts.account_value is not None:
            event["account_value"] = facts.account_value
        return [event]
    return [_plan_distribution(form, facts, notes, default_cash=False)]


def _plan_distribution(form, facts, notes, default_cash: bool) -> dict:
    if facts.converted:
        raise refuse(
            F,
            "converted",
            "--converted is for an IRA distribution (IRA/SEP/SIMPLE box "
            "checked) moved into a Roth IRA; plan money rolled to a Roth IRA is code G "
            "with --to-roth-ira AMOUNT",
        )
    roth, trad, cash = facts.to_roth_ira, facts.to_traditional_ira, facts.to_cash
    if default_cash and roth is None and trad is None and cash is None:
        cash = form.box1_gross
    if not default_cash and roth is None and trad is None:
        raise refuse(
            F,
            "box 7",
            "code G from a plan after-tax source needs --to-roth-ira/"
            "--to-traditional-ira amounts (the form shows only the total; Notice "
            "2014-54 splits one distribution among its destinations)",
        )
    if facts.account_value is None:
        raise refuse(
            F,
            "account_value",
            "a plan distribution needs --account-value: the "
            "after-tax sub-account's value just before (separate accounting), else "
            "the whole pretax + after-tax balance; it is not on the 1099-R",
        )
    roth, trad, cash = roth or ZERO, trad or ZERO, cash or ZERO
    total = roth + trad + cash
    rolled = roth + trad
    shown = rolled if not default_cash else cash
    if shown != form.box1_gross:
        notes.append(
            f"box 1 ({form.box1_gross}) differs from the destinations on this form "
            f"({shown}): if the plan issued one 1099-R per destination, enter the "
            "distribution once, with all destinations, and skip the other forms"
        )
    if form.box5_employee_contributions is not None:
        notes.append(
            f"box 5 ({form.box5_employee_contributions}) is the after-tax basis the "
            "plan says went out; the ledger recomputes it per Notice 2014-54 "
            "(`report year`) -- compare"
        )
    return {
        "kind": "plan_distribution",
        "person": facts.person,
        "plan": facts.plan,
        "date": facts.date,
        "amount": total,
        "account_value": facts.account_value,
        "separate_accounting": facts.separate_accounting,
        "to_roth_ira": roth,
        "to_traditional_ira": trad,
        "to_cash": cash,
    }


def _traditional_ira(form, codes, born, facts, notes) -> list[dict]:
    if "8" in codes or "P" in codes:
        raise NotSupported(
            "a returned traditional IRA contribution (code 8/P with the "
            "IRA/SEP/SIMPLE box): correct or void the ira_contribution instead"
        )
    if facts.roth_ira:
        raise refuse(F, "box 7", "--roth-ira but the IRA/SEP/SIMPLE box is checked")
    if facts.date >= age_59_and_a_half(born) and ("1" in codes or "2" in codes or "S" in codes):
        notes.append(
            f"code {''.join(codes)} but the person is 59½ on {facts.date} (a modified "
            "SEPP keeps code 1; otherwise ask the payer)"
        )
    if "S" in codes:
        notes.append(
            "code S: SIMPLE IRA money within 2 years of first participation (25% "
            "additional tax, outside this ledger)"
        )
    if "2" in codes and not facts.converted:
        notes.append(
            "code 2: the payer knows of a §72(t) exception; claim it on Form 5329"
            + ("" if facts.exception else " (give --exception KIND, or the 10% is charged)")
        )
    if form.box2a_taxable is not None or form.box2b_not_determined:
        notes.append(
            "box 2a/2b are not recorded: Form 8606 Part I computes the taxable part "
            "from your IRA basis and the year-end value of all your IRAs"
        )
    if not facts.converted:
        event = {
            "kind": "ira_distribution",
            "person": facts.person,
            "date": facts.date,
            "amount": form.box1_gross,
        }
        if facts.disaster:
            event["disaster"] = True
        if facts.exception:
            event["exception"] = facts.exception
            if "1" in codes:
                notes.append(
                    f"code 1 (no known exception) with --exception {facts.exception}: the "
                    "exception is claimed on Form 5329 line 2"
                )
        elif "4" in codes:
            event["exception"] = "death"  # §72(t)(2)(A)(ii): paid to a beneficiary
        elif "1" in codes and facts.date < age_59_and_a_half(born):
            notes.append(
                "code 1: an early distribution with no known exception; its taxable part "
                "owes the 10% additional tax (Form 5329 line 1; give --exception if one applies)"
            )
        return [event]
    return _conversion(form, codes, facts, notes)


def _conversion(form, codes, facts, notes) -> list[dict]:
    if "4" in codes:
        raise refuse(F, "converted", "code 4: an inherited IRA cannot be converted to a Roth IRA")
    if "1" in codes:
        notes.append(
            "code 1 on a conversion: conversions are coded 2 (under 59½) or 7; the "
            "10% tax does not apply to the converted amount"
        )
    amount = facts.converted_amount if facts.converted_amount is not None else form.box1_gross
    if amount <= 0 or amount > form.box1_gross:
        raise refuse(
            F,
            "converted_amount",
            f"{amount} must be more than 0 and at most box 1 ({form.box1_gross})",
        )
    received = facts.received_on or facts.date
    if received < facts.date:
        raise refuse(F, "received_on", f"{received} is before the distribution date {facts.date}")
    event = {"kind": "roth_conversion", "person": facts.person, "date": received, "amount": amount}
    if received.year != facts.date.year:
        event["distributed_on"] = facts.date
        notes.append(
            f"cross-year conversion: income in {facts.date.year}, layer and 5-year "
            f"clock from {received.year} (RULES section 0)"
        )
    events = [event]
    kept = form.box1_gross - amount
    if kept > 0:
        events.append(
            {"kind": "ira_distribution", "person": facts.person, "date": facts.date, "amount": kept}
        )
        notes.append(
            f"{kept} of box 1 was not converted (e.g. tax withheld): recorded as an "
            "IRA distribution, taxable and subject to the 10% tax if early"
        )
    return events
