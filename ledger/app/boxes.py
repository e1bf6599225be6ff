"""What each box of Forms 5498 and 1099-R (and each fact the form cannot tell) means,
said once: the `record form-5498|form-1099r` options and the web desk's form fields
both show these words (the parameters of ``ledger.app.intake.record_form_5498`` and
``record_form_1099r``, by name)."""

from __future__ import annotations

HELP_5498 = {
    "account": "Box 7 checkbox: IRA, SEP, SIMPLE or Roth IRA.",
    "box1": "IRA contributions (traditional) -> ira_contribution.",
    "box2": "Rollover contributions (a note only).",
    "box3": "Roth IRA conversion amount (see --record-conversion).",
    "box5": "Fair market value of the account on Dec 31.",
    "box10": "Roth IRA contributions -> roth_contribution.",
    "box11": "RMD for next year (a note only).",
    "trustee": "Trustee's name, kept in each event's source.",
    "deposit": "Day box 1/box 10 was deposited [not on the form].",
    "deductible": "Was box 1 deducted? [not on the form; required with box 1]",
    "record_conversion": "Record box 3 as a roth_conversion (only if its 1099-R is not entered with --converted).",
    "conversion_date": "Day the Roth IRA received box 3.",
    "year_end_total": "Sum of box 5 over ALL the person's traditional/SEP/SIMPLE IRAs (or all Roth IRAs), recorded instead of box 5.",
    "no_year_end": "Do not record box 5.",
}

HELP_1099R = {
    "box1": "Gross distribution.",
    "box2a": "Taxable amount (earnings for J8/JP; H: 0).",
    "box2b": "Taxable amount not determined (checked).",
    "box5": "Employee contributions / designated Roth contributions (basis; H: becomes the rollover's basis).",
    "box7": "Distribution code(s), e.g. J, J8, JP, Q, T, 1, 2, 7, G, H, 4, 3, N, R. Code 8: excess "
    "contributions plus earnings taxable in the year of the 1099-R; code P: taxable in the "
    "prior year (with J: a Roth IRA contribution returned; give --for-tax-year). Code N: a "
    "contribution made for the form's year recharacterized in it; code R: one made for the "
    "year before, recharacterized in the form's year (see --target).",
    "box10": "Amount allocable to IRR within 5 years (plans).",
    "box11": "1st year of designated Roth contributions (plans).",
    "ira_sep_simple": "The IRA/SEP/SIMPLE box next to box 7 is checked.",
    "payer": "Payer's name, kept in each event's source.",
    "paid_on": "Distribution date [not on the form; required].",
    "roth_ira": "It came from a Roth IRA (for codes 2/3/4, which do not say).",
    "converted": "The IRA distribution went into a Roth IRA.",
    "converted_amount": "Part of box 1 converted (default all).",
    "received_on": "Day the Roth IRA received a conversion.",
    "plan": "Plan id (codes G, H, B+G and plan distributions).",
    "account_value": "Plan: value just before the distribution.",
    "separate_accounting": "Plan keeps after-tax money as a separate account (default yes).",
    "to_roth_ira": "Plan: amount directly rolled to a Roth IRA.",
    "to_traditional_ira": "Plan: amount rolled to a traditional IRA.",
    "to_cash": "Plan: amount paid in cash (its own 1099-R).",
    "in_plan": "Code G was an in-plan Roth rollover (IRR).",
    "into_roth_ira": "B+G that went to a Roth IRA (should be H).",
    "qualified": "Designated Roth rollover: qualified? (asked when the form cannot tell).",
    "exception": (
        "Roth or traditional IRA: a §72(t) exception kind (e.g. first_home, medical); "
        "code 4 on a traditional IRA: death"
    ),
    "disaster": "A qualified disaster distribution.",
    "returned_contribution": "J8/JP: the contribution returned, when it lost value (box 1 is then less than it) [not on the form].",
    "for_tax_year": "J8/JP: the tax year the returned contribution was for [not on the form; required for codes 8 and P].",
    "rolled_over": "IRA or Roth IRA: the part of box 1 paid back into an IRA of the same kind within 60 days (a rollover: not a distribution; one in any 12 months across all the person's IRAs) [not on the form].",
    "target": "N/R: id of the contribution (or pre-2018 conversion) recharacterized; default: the one for the year the code says (N: the form's year, R: the year before), refused when there are several [not on the form].",
    "part": "N/R: the part of the target's own amount recharacterized, before its net income (box 1 has that income); default: the whole target. A part recharacterized splits a contribution and leaves the rest of a conversion converted [not on the form].",
    "died_on": "Record the person's death (code 4).",
    "disabled_on": "Record the person's disability (code 3).",
}
