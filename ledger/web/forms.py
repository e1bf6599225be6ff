"""Forms 5498 and 1099-R, box by box, for ``ledger.app.intake.record_form_5498`` and
``record_form_1099r``: the boxes offered are those functions' parameters (their types
say how a box is read), so the page takes exactly what ``record form-5498|form-1099r``
takes and the intake decides, refuses and records the same way. Only the labels (as
printed on the forms, and what the form cannot tell) are the page's own."""

from __future__ import annotations

import inspect
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from ..dates import DateError, parse_date
from ..money import MoneyError, parse_money

LABELS_5498 = {
    "account": "Box 7: IRA, SEP, SIMPLE or Roth IRA",
    "box1": "Box 1 IRA contributions (traditional)",
    "box2": "Box 2 Rollover contributions (a note only)",
    "box3": "Box 3 Roth IRA conversion amount",
    "box5": "Box 5 Fair market value of account (Dec 31)",
    "box10": "Box 10 Roth IRA contributions",
    "box11": "Box 11 RMD for next year (a note only)",
    "trustee": "Trustee's name",
    "deposit": "Day box 1 / box 10 was deposited [not on the form]",
    "deductible": "Was box 1 deducted? [not on the form; needed with box 1]",
    "record_conversion": "Record box 3 as a conversion (only if its 1099-R is not entered as converted)",
    "conversion_date": "Day the Roth IRA received box 3",
    "year_end_total": "Sum of box 5 over ALL the person's traditional/SEP/SIMPLE IRAs (or all Roth IRAs), recorded instead of box 5",
    "no_year_end": "Do not record box 5",
}
LABELS_1099R = {
    "box1": "Box 1 Gross distribution",
    "box2a": "Box 2a Taxable amount",
    "box2b": "Box 2b Taxable amount not determined",
    "box5": "Box 5 Employee contributions / designated Roth contributions",
    "box7": "Box 7 Distribution code(s), e.g. J, Q, T, 1, 2, 7, G, H, J8, JP",
    "box10": "Box 10 Amount allocable to IRR within 5 years (plans)",
    "box11": "Box 11 1st year of designated Roth contributions (plans)",
    "ira_sep_simple": "IRA/SEP/SIMPLE box (next to box 7) checked",
    "payer": "Payer's name",
    "paid_on": "Distribution date [not on the form; required]",
    "roth_ira": "It came from a Roth IRA (codes 2/3/4 do not say)",
    "converted": "The IRA distribution went into a Roth IRA",
    "converted_amount": "Part of box 1 converted (default all)",
    "received_on": "Day the Roth IRA received a conversion",
    "plan": "Plan id (codes G, H, B+G and plan distributions)",
    "account_value": "Plan: value just before the distribution",
    "separate_accounting": "Plan keeps after-tax money as a separate account",
    "to_roth_ira": "Plan: amount directly rolled to a Roth IRA",
    "to_traditional_ira": "Plan: amount rolled to a traditional IRA",
    "to_cash": "Plan: amount paid in cash",
    "in_plan": "Code G was an in-plan Roth rollover (IRR)",
    "into_roth_ira": "B+G that went to a Roth IRA (should be H)",
    "qualified": "Designated Roth rollover: qualified?",
    "exception": "Roth IRA: a §72(t) exception kind (e.g. first_home)",
    "disaster": "A qualified disaster distribution",
    "returned_contribution": "J8/JP: the contribution returned, when it lost value",
    "died_on": "Record the person's death (code 4)",
    "disabled_on": "Record the person's disability (code 3)",
}
CHOICES = {"account": ("ROTH", "IRA", "SEP", "SIMPLE")}


@dataclass(frozen=True, slots=True)
class Box:
    name: str
    type: str  # money | date | year | flag | choice | yesno | text
    required: bool
    default: object
    label: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TaxForm:
    slug: str
    title: str
    function: str  # in ledger.app.intake
    labels: dict
    aliases: dict  # a refusal's field name -> the box it is about

    @property
    def boxes(self) -> tuple[Box, ...]:
        return _boxes(self.function, tuple(self.labels.items()))


TAX_FORMS = {
    "5498": TaxForm(
        "5498",
        "Form 5498 (IRA Contribution Information)",
        "record_form_5498",
        LABELS_5498,
        {"date": "deposit"},
    ),
    "1099r": TaxForm(
        "1099r",
        "Form 1099-R (Distributions From Pensions, Annuities, Retirement Plans, IRAs)",
        "record_form_1099r",
        LABELS_1099R,
        {"date": "paid_on"},
    ),
}
_TYPES = {Decimal: "money", date: "date", int: "year", str: "text"}


@cache
def _boxes(function: str, labels: tuple) -> tuple[Box, ...]:
    from ..app import intake

    fn = getattr(intake, function)
    hints = typing.get_type_hints(fn)
    label = dict(labels)
    out = []
    for name, param in inspect.signature(fn).parameters.items():
        if param.kind is not param.KEYWORD_ONLY or name == "dry_run":
            continue
        hint = hints[name]
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        base = args[0] if args else hint
        optional = type(None) in typing.get_args(hint)
        if base is bool:
            kind = "yesno" if optional else "flag"
        elif name in CHOICES:
            kind = "choice"
        else:
            kind = _TYPES[base]
        required = param.default is inspect.Parameter.empty
        default = None if required else param.default
        out.append(Box(name, kind, required, default, label.get(name, name), CHOICES.get(name, ())))
    return (
        Box("person", "person", True, None, "Person the form is for"),
        Box("tax_year", "year", True, None, "Tax year printed on the form"),
        *out,
    )


def parse_tax_form(form: TaxForm, data: dict) -> tuple[dict, dict[str, list[str]]]:
    """The intake function's keyword arguments from the posted boxes, and the problems
    (box name -> messages) of boxes that cannot be read."""
    kwargs: dict[str, object] = {}
    problems: dict[str, list[str]] = {}
    for box in form.boxes:
        raw = (data.get(box.name) or "").strip()
        if box.type == "flag":  # a checkbox: sent only when ticked
            kwargs[box.name] = raw in ("on", "yes", "true", "1")
            continue
        if not raw:
            if box.required:
                problems.setdefault(box.name, []).append("missing")
            continue
        try:
            kwargs[box.name] = _read(box, raw)
        except ValueError as exc:
            problems.setdefault(box.name, []).append(str(exc))
    return kwargs, problems


def _read(box: Box, raw: str) -> object:
    if box.type == "money":
        try:
            return parse_money(raw)
        except MoneyError as exc:
            raise ValueError(str(exc)) from None
    if box.type == "date":
        try:
            return parse_date(raw)
        except DateError as exc:
            raise ValueError(str(exc)) from None
    if box.type == "year":
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a year") from None
        if not 1975 <= value <= 2100:
            raise ValueError(f"{value} is not a plausible tax year")
        return value
    if box.type == "yesno":
        if raw not in ("yes", "no"):
            raise ValueError("choose yes or no")
        return raw == "yes"
    if box.type == "choice" and raw.upper() not in box.choices:
        raise ValueError(f"{raw!r} is not one of {', '.join(box.choices)}")
    return raw
