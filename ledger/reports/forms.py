"""Where the rules' figures go on the forms: the only place that knows the line numbers
of Form 8606 Part III and Form 5329 Part I (the rules name their figures for the domain,
:mod:`ledger.rules.roth_distributions`)."""

from __future__ import annotations

from ..rules.roth_distributions import Figure, RothYear

#: Form 8606 Part III: line -> the TaxableAmount figure printed there
FORM8606_PART3 = (
    ("19", "nonqualified_distributions"),
    ("20", "first_home_expenses"),
    ("21", "after_first_home"),
    ("22", "regular_contribution_basis"),
    ("23", "beyond_regular_basis"),
    ("24", "conversion_basis"),
    ("25a", "earnings"),
    ("25b", "disaster_earnings"),
    ("25c", "taxable_earnings"),
)
#: Form 5329 Part I: line -> the AdditionalTax figure printed there
FORM5329_PART1 = (
    ("1", "early_includible"),
    ("2", "excepted"),
    ("3", "subject"),
    ("4", "tax"),
)


def form8606_part3(w: RothYear | None) -> dict[str, Figure]:
    """Form 8606 lines 19-25c as filled (a line the form leaves blank is absent)."""
    if w is None or w.taxable is None:
        return {}
    out = {}
    for line, name in FORM8606_PART3:
        fig = getattr(w.taxable, name)
        if fig is not None:
            out[line] = fig
    return out


def form5329_part1(w: RothYear | None) -> dict[str, Figure]:
    """Form 5329 lines 1-4 (empty when the year has nothing for Part I)."""
    if w is None or w.additional is None:
        return {}
    return {line: getattr(w.additional, name) for line, name in FORM5329_PART1}


_IRA_ALL = (
    "contributions",
    "prior_basis",
    "year_end_value",
    "repayments",
    "distributions",
    "conversions",
)
#: Form 8606 Parts I-II: line -> the kinds of events behind it (``YearResult.ira_events``)
FORM8606_IRA_EVENTS: dict[str, tuple[str, ...]] = {
    "1": ("contributions",),
    "2": ("prior_basis",),
    "3": ("contributions", "prior_basis"),
    "4": ("late_contributions",),
    "5": ("contributions", "prior_basis"),
    "6": ("year_end_value", "repayments"),
    "7": ("distributions",),
    "8": ("conversions",),
    "9": ("year_end_value", "repayments", "distributions", "conversions"),
    "15b": ("distributions",),
    "16": ("conversions",),
}


def form8606_ira_events(line: str, events: dict[str, tuple[str, ...]]) -> list[str]:
    """The events behind a Part I-II line (lines 10-15 and 17-18 use them all)."""
    groups = FORM8606_IRA_EVENTS.get(line, _IRA_ALL)
    return [i for g in groups for i in events.get(g, ())]
