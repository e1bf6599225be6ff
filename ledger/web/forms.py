"""Forms 5498 and 1099-R, box by box, for ``ledger.app.intake.record_form_5498`` and
``record_form_1099r``: the boxes offered are those functions' parameters (their types
say how a box is read), described in the words of ``ledger.app.boxes`` that the
command's options show, so the page takes exactly what ``record form-5498|form-1099r``
takes and the intake decides, refuses and records the same way."""

from __future__ import annotations

import inspect
import typing
from datetime import date
from decimal import Decimal
from functools import cache

from ..app.boxes import HELP_1099R, HELP_5498
from ..dataclass import dataclass
from ..dates import DateError, parse_date
from ..money import MoneyError, parse_money

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
    helps: dict  # ledger.app.boxes: the words `record form-...` shows too
    aliases: dict  # a refusal's field name -> the box it is about

    @property
    def boxes(self) -> tuple[Box, ...]:
        return _boxes(self.function, tuple(self.helps.items()))


TAX_FORMS = {
    "5498": TaxForm(
        "5498",
        "Form 5498 (IRA Contribution Information)",
        "record_form_5498",
        HELP_5498,
        {"date": "deposit"},
    ),
    "1099r": TaxForm(
        "1099r",
        "Form 1099-R (Distributions From Pensions, Annuities, Retirement Plans, IRAs)",
        "record_form_1099r",
        HELP_1099R,
        {"date": "paid_on"},
    ),
}
_TYPES = {Decimal: "money", date: "date", int: "year", str: "text"}


@cache
def _boxes(function: str, helps: tuple) -> tuple[Box, ...]:
    from ..app import intake

    fn = getattr(intake, function)
    hints = typing.get_type_hints(fn)
    label = {name: _label(name, text) for name, text in helps}
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


def _label(name: str, text: str) -> str:
    """ "box2a", "Taxable amount ..." -> "Box 2a: Taxable amount ..." (as on the form)."""
    return f"Box {name[3:]}: {text}" if name.startswith("box") else text


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
