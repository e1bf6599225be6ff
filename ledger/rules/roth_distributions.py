"""One year's Roth IRA distributions: how much is taxable, how much owes the 10%
additional tax, and where each dollar came from.

Pure: plain values in (the distributions, what the year's ordering walk drew from, the
basis before it, the exception law of the year), a :class:`RothYear` out, whose every
figure is a :class:`Figure` naming the events it came from and the rule applied with its
citation. Form line numbers belong to the reports that render the forms
(:mod:`ledger.reports.forms`); here the figures have their domain names.

Sources (RULES.md (a), (f), (g)):

- Aggregation: all of a year's Roth IRA distributions are one distribution for the
  ordering rules (Reg. 1.408A-6 A-9); regular contributions, then conversions and
  rollovers first-in-first-out, taxable part first, then earnings (A-8;
  :mod:`ledger.rules.ordering`). A year's distributions have no order among themselves,
  so every distribution takes its share of each layer the year drew from in proportion to
  its amount -- as Form 8606 line 25b does for qualified disaster distributions
  (Instructions for Form 8606: 25a x disaster distributions / line 19). The result does
  not depend on the order the distributions are listed or dated in; age 59½, the 5-year
  test and the exceptions are still judged distribution by distribution. One part is
  placed by the form instead: the qualified first-home amount is on line 19 and comes off
  again on line 20, before the basis (line 22) is set against what is left, so the other
  distributions take the walk's slots first and the first-home parts what they leave.
- Taxable amount (Form 8606 Part III): nonqualified distributions plus qualified
  first-time homebuyer ones, less the qualified first-home expenses (at most the $10,000
  lifetime amount, §72(t)(8)(B); a distribution above what is left is split: the rest is
  an ordinary nonqualified distribution), less the regular-contribution basis, less the
  conversion basis = earnings; less the disaster share = taxable (IRC §408A(d)(1); Reg.
  1.408A-6 A-4). Qualified distributions still use up basis (A-4: prior distributions
  count "whether or not qualified").
- Additional tax (Form 5329 Part I): for a Roth IRA, the taxable earnings of early
  distributions (the same taxable figure, shared as above, so it agrees with Form 8606),
  the taxable part of conversions and plan rollovers still inside their 5-year window
  that the ordering gives an early nonqualified distribution (§408A(d)(3)(F); Reg.
  1.408A-6 A-5; I5329 2016 recapture example: $15,000 + $7,000 = $22,000), plus the
  qualified first-home amount, which is then excepted; less the §72(t)(2) exceptions; 10%
  of the rest (§72(t)(1)). Qualified disaster distributions are not on it (§72(t)(11);
  Form 8915-F).
- Traditional IRAs on the same Part I: "early distributions includible in income" are
  also the taxable part of traditional, SEP and SIMPLE IRA distributions made before 59½
  (IRC §72(t)(1), (t)(2)(A)(i); Instructions for Form 5329, line 1; Pub 590-B, "Early
  Distributions"): each distribution's share of Form 8606 line 15c, or the whole
  distribution when there is no basis (:func:`ledger.rules.ira_pro_rata.distribution_shares`).
  QCDs, HSA funding distributions and rolled-over parts are not income, so not on it; a
  qualified disaster distribution's part is line 15b, taxed on Form 8915-F and excepted
  (§72(t)(2)(M)). The exceptions are judged as for Roth distributions (a recorded
  ``exception``, or death or disability from the facts, §72(t)(2)(A)(ii), (iii)); a capped
  exception is counted on the distribution's amount and excepts that share of its taxable
  part. §72(t)(1): 10% "of the portion of such amount which is includible in gross
  income"; IRS VITA Link & Learn, Distributions, Pensions, and Annuities (John, 39, 1099-R
  code 1): 10% of the taxable amount.
- Corrective distributions: the net income returned with a contribution withdrawn by the
  due date is taxable for the year the contribution was for (Reg. 1.408A-6 A-1(d);
  §408(d)(4)); under 59½ it is an early distribution on Form 5329 line 1 of that year
  (Instructions for Form 5329 (1999) Part IV; Pub 590-A). SECURE 2.0 §333 exempts it
  from the 10% only for distributions on or after the date the exception data gives
  (2022-12-29).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from datetime import date
from decimal import Decimal

from ..dataclass import dataclass
from ..errors import LedgerError, NotSupported
from ..money import CENTS, Rounding
from . import apportion
from . import exceptions as exc
from .halfup import cents, rounder
from .qualified import QualifiedTest, qualify
from .recapture import in_window

ZERO = Decimal("0")
TEN_PERCENT = Decimal("0.10")


class RuleFailed(LedgerError):
    """A rule could not produce its figure from the values given (the reason says why)."""


# --- inputs -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """One Roth IRA distribution as the rule sees it."""

    id: str
    date: date
    amount: Decimal
    exception: str | None = None  # a kind or the year's line-2 number, as recorded
    disaster: bool = False
    source: str | None = None  # the document (e.g. "1099-R box 1, ...")


@dataclass(frozen=True, slots=True)
class TraditionalDistribution:
    """One traditional/SEP/SIMPLE IRA distribution as the 10% rule sees it: its amount
    (what counts against a capped exception) and its taxable part (its share of Form 8606
    line 15c)."""

    id: str
    date: date
    amount: Decimal
    taxable: Decimal
    exception: str | None = None
    disaster: bool = False


@dataclass(frozen=True, slots=True)
class CorrectiveReturn:
    """A contribution returned with its net income by the due date (its income only)."""

    id: str
    date: date
    earnings: Decimal


@dataclass(frozen=True, slots=True)
class Owner:
    """The owner's facts the year's rule needs: the day of age 59½, the five-year
    clock's first year, a death or a disability (each with the events behind it)."""

    age_59_half_on: date
    clock_start: int | None  # first year of the 5-taxable-year period
    clock_events: tuple[str, ...] = ()
    died_on: date | None = None
    died_events: tuple[str, ...] = ()
    disabled_on: date | None = None
    disabled_events: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Slot:
    """One slot the year's ordering walk drew dollars from (``source`` "earnings" for
    what the basis could not cover)."""

    source: str  # regular_contributions | designated_roth_rollover | conversion | plan_rollover | earnings
    year: int | None
    portion: str | None
    clock_year: int | None
    amount: Decimal
    event_ids: tuple[str, ...]
    citation: str

    @property
    def regular_tier(self) -> bool:
        return self.source in ("regular_contributions", "designated_roth_rollover")

    @property
    def conversion_tier(self) -> bool:
        return self.source in ("conversion", "plan_rollover")


@dataclass(frozen=True, slots=True)
class BasisBefore:
    """The basis the ordering had before the year's distributions (Dec 31 ordering)."""

    regular: Decimal  # regular contributions and designated Roth rollover basis
    regular_events: tuple[str, ...]
    conversions: Decimal  # conversion and plan-rollover layers
    conversion_events: tuple[str, ...]


# --- results ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    """A computed amount, the events it came from, and the rule applied with its source."""

    value: Decimal
    events: tuple[str, ...]
    rule: str
    citation: str


@dataclass(frozen=True, slots=True)
class Draw:
    """What one distribution took from one ordering slot, and how much of it is subject
    to the 10% additional tax."""

    distribution: str
    source: str
    year: int | None
    portion: str | None
    clock_year: int | None
    amount: Decimal
    subject_to_additional_tax: Decimal
    event_ids: tuple[str, ...]
    citation: str


@dataclass(frozen=True, slots=True)
class DistributionResult:
    """One Roth IRA distribution worked out: its qualified test, early or not, the
    exception applied, its draws."""

    withdrawal: Withdrawal
    test: QualifiedTest
    early: bool
    exception: str | None  # the kind claimed or applied (death / disability from the facts)
    exception_code: str | None
    subject: Decimal  # before exceptions
    excepted: Decimal
    additional_tax: Decimal
    taxable: Decimal
    first_home_qualified: Decimal  # the part that is a qualified first-home distribution
    draws: tuple[Draw, ...]


@dataclass(frozen=True, slots=True)
class CorrectiveResult:
    """A corrective return of a contribution as the year's Form 5329 Part I counts
    it."""

    ret: CorrectiveReturn
    early: bool
    exception: str | None
    subject: Decimal
    excepted: Decimal


@dataclass(frozen=True, slots=True)
class TraditionalResult:
    """A traditional IRA distribution's part in Form 5329 Part I (zero when not
    early)."""

    distribution: TraditionalDistribution
    early: bool
    exception: str | None
    exception_code: str | None
    share: Figure  # its part of Form 5329 line 1 (zero when not early)
    excepted: Decimal
    additional_tax: Decimal


@dataclass(frozen=True, slots=True)
class ExceptionUsed:
    """An exception to the 10% additional tax the year applied: its kind, Form 5329 code
    and amount."""

    kind: str
    code: str | None
    code_certain: bool
    amount: Decimal
    events: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TaxableAmount:
    """The year's taxable part of Roth IRA distributions (Form 8606 Part III), each figure
    present only where the form would be filled that far."""

    nonqualified_distributions: Figure
    first_home_expenses: Figure
    after_first_home: Figure
    regular_contribution_basis: Figure | None = None
    beyond_regular_basis: Figure | None = None
    conversion_basis: Figure | None = None
    earnings: Figure | None = None
    disaster_earnings: Figure | None = None
    taxable_earnings: Figure | None = None


@dataclass(frozen=True, slots=True)
class AdditionalTax:
    """The 10% additional tax on early distributions (Form 5329 Part I)."""

    early_includible: Figure
    excepted: Figure
    subject: Figure
    tax: Figure


@dataclass(frozen=True, slots=True)
class RothYear:
    """A tax year's Roth IRA distributions taxed: Form 8606 Part III, Form 5329 Part I,
    the draws."""

    year: int
    distributions: tuple[DistributionResult, ...]
    returns: tuple[CorrectiveResult, ...]
    taxable: TaxableAmount | None
    additional: AdditionalTax | None
    exceptions: tuple[ExceptionUsed, ...]
    taxable_amount: Decimal
    additional_tax: Decimal
    qualified: bool | None
    qualified_figure: Figure | None
    caps: exc.CapUsage
    warnings: tuple[str, ...] = field(default=())
    traditional: tuple[TraditionalResult, ...] = field(default=())

    @property
    def draws(self) -> tuple[Draw, ...]:
        return tuple(d for r in self.distributions for d in r.draws)


# --- rules and their citations ----------------------------------------------------

CITE = {
    "qualified": "IRC §408A(d)(2); Reg. 1.408A-6 A-1, A-2: 5-taxable-year period and 59½, death, disability or first home",
    "nonqualified_distributions": "nonqualified Roth IRA distributions plus qualified first-time homebuyer ones; qualified distributions are not taxable (IRC §408A(d)(1); Instructions for Form 8606)",
    "first_home_expenses": "qualified first-time homebuyer expenses, at most what is left of the $10,000 lifetime amount; the rest of the distribution is nonqualified (IRC §72(t)(8), §408A(d)(5))",
    "after_first_home": "nonqualified distributions less the qualified first-home expenses",
    "regular_contribution_basis": "basis in regular contributions, plus a designated Roth rollover's investment in the contract (Reg. 1.408A-10 A-3), less earlier distributions, qualified or not (Reg. 1.408A-6 A-4)",
    "beyond_regular_basis": "what the distributions take beyond regular contributions, which come out first (Reg. 1.408A-6 A-8)",
    "conversion_basis": "basis in conversions and plan rollovers to Roth IRAs not yet distributed (Reg. 1.408A-6 A-8, A-9)",
    "earnings": "earnings distributed: what is left after both kinds of basis (Reg. 1.408A-6 A-8)",
    "disaster_earnings": "the qualified disaster share of the earnings: earnings x disaster distributions / nonqualified distributions (Instructions for Form 8606, 2006 example; Form 8915-F)",
    "taxable_earnings": "taxable amount (IRC §408A(d)(1); Reg. 1.408A-6 A-4)",
    "early_includible": "early distributions includible in income: the taxable part of traditional IRA distributions before 59½ (their share of Form 8606 line 15c; IRC §72(t)(1)), the taxable earnings of early Roth IRA distributions, the taxable part of conversions/rollovers still within their 5 years (IRC §408A(d)(3)(F); Reg. 1.408A-6 A-5), the qualified first-home amount, and the income on corrective distributions under 59½ (Instructions for Form 5329)",
    "early_traditional": "this traditional IRA distribution's share of Form 8606 line 15c (the whole distribution when there is no basis), made before 59½: an early distribution includible in income (IRC §72(t)(1); Instructions for Form 5329, line 1; Pub 590-B, Early Distributions)",
    "excepted": "the part excepted under IRC §72(t)(2) (exception number per that year's instructions)",
    "subject_to_additional_tax": "early distributions less the excepted part",
    "additional_tax": "10% of the amount subject to the additional tax (IRC §72(t)(1))",
}


def _fig(rule: str, value: Decimal, *event_groups: Iterable[str]) -> Figure:
    ids: dict[str, None] = {}
    for group in event_groups:
        ids.update(dict.fromkeys(group))
    return Figure(value, tuple(ids), rule, CITE[rule])


# --- the year ---------------------------------------------------------------------


@dataclass(slots=True)
class _Piece:
    """A distribution, or the part of one with a single treatment (a first-home
    distribution above the cap has a qualified part and an ordinary part)."""

    index: int  # into the sorted withdrawals
    amount: Decimal
    qualified: bool
    line20: bool  # the qualified first-home part (on line 19 and 20)
    early: bool
    disaster: bool
    kind: str | None  # exception kind that applies to this part
    cells: list[Decimal] = field(default_factory=list)  # its share of each slot


def roth_year(
    year: int,
    owner: Owner,
    withdrawals: Iterable[Withdrawal],
    slots: Iterable[Slot],
    basis: BasisBefore,
    caps: exc.CapUsage,
    law: exc.ExceptionLaw,
    returns: Iterable[CorrectiveReturn] = (),
    rounding: Rounding = CENTS,
    traditional: Iterable[TraditionalDistribution] = (),
) -> RothYear:
    """The year's Roth IRA distributions taxed (see the module docstring). ``slots`` is
    what the year's ordering walk drew from (:func:`ledger.rules.ordering.walk` over the
    year's total); ``caps`` what earlier years used of the capped exceptions.

    ``rounding``: how the taxable-amount and additional-tax figures are entered on the
    forms. In whole dollars each is computed from the rounded figures before it and
    rounded once (:func:`_part3`, :func:`_part1_5329`); the year's ``taxable_amount`` and
    ``additional_tax`` are then those figures, while each distribution's draws and
    amounts keep cents (they are the ledger's attribution, not form lines).

    ``traditional``: the year's traditional IRA distributions with their taxable parts;
    the early ones join Form 5329 Part I (:func:`_traditional`)."""
    ws = sorted(withdrawals, key=lambda w: (w.date, w.id))  # canonical: input order is irrelevant
    slot_list = [s for s in slots if s.amount > 0]
    total = sum((w.amount for w in ws), ZERO)
    if sum((s.amount for s in slot_list), ZERO) != total:
        raise RuleFailed(
            f"{year}: the ordering walk drew {sum((s.amount for s in slot_list), ZERO)} but the "
            f"distributions total {total}"
        )
    warnings: list[str] = []
    age59 = owner.age_59_half_on

    # 1. each distribution's exception, qualified test and parts
    kinds: list[str | None] = []
    named_codes: list[str | None] = []  # the line-2 number a distribution was recorded with
    tests: list[QualifiedTest] = []
    pieces: list[_Piece] = []
    for i, w in enumerate(ws):
        claimed = exc.claim(w.exception, w.date, law, age59)
        kind = claimed.kind if claimed else None
        named_codes.append(claimed.named_as if claimed and claimed.named_as.isdigit() else None)
        if kind is None and owner.died_on is not None and w.date >= owner.died_on:
            kind = "death"
        if kind is None and owner.disabled_on is not None and w.date >= owner.disabled_on:
            kind = "disability"
        disaster = w.disaster or kind == "disaster"
        test = qualify(
            w.date, owner.clock_start, age59, owner.died_on, owner.disabled_on, kind == "first_home"
        )
        early = w.date < age59
        kinds.append(kind)
        tests.append(test)
        if kind == "first_home" and test.qualified and test.trigger == "first_home":
            info = law.info("first_home")
            room = exc.cap_room(info, w.date, caps)
            part = w.amount if room is None else min(w.amount, room)
            caps = exc.use_cap(info, w.date, part, caps)
            if part > 0:
                pieces.append(_Piece(i, part, True, True, early, False, "first_home"))
            if part < w.amount:
                warnings.append(
                    f"{w.id}: {part} of this first-home distribution is qualified (what is left "
                    f"of the {info.cap} lifetime amount); the other {w.amount - part} is an "
                    "ordinary nonqualified distribution (§72(t)(8)(B))"
                )
                pieces.append(_Piece(i, w.amount - part, False, False, early, disaster, None))
        else:
            pieces.append(_Piece(i, w.amount, test.qualified, False, early, disaster, kind))

    # 2. every part takes its share of each slot; earnings follow the form's figures
    columns = [s.amount for s in slot_list]
    earn_j = [j for j, s in enumerate(slot_list) if s.source == "earnings"]
    # The qualified first-home parts are on line 19 and come off again on line 20, before
    # the basis (line 22): the form gives the other distributions the basis first, so the
    # first-home parts take what the others leave of the walk, last slots first. Only the
    # other qualified distributions share the basis with the nonqualified ones.
    first_home = [p for p in pieces if p.line20]
    qual = [p for p in pieces if p.qualified and not p.line20]
    nonq = [p for p in pieces if not p.qualified]
    t_q = sum((p.amount for p in qual), ZERO)
    t_n = sum((p.amount for p in nonq), ZERO)
    others_col = _first(columns, t_q + t_n)
    fh_col = [c - o for c, o in zip(columns, others_col)]
    q_col, n_col = apportion.table(others_col, [t_q, t_n])
    q_reg = sum((c for c, s in zip(q_col, slot_list) if s.regular_tier), ZERO)
    q_conv = sum((c for c, s in zip(q_col, slot_list) if s.conversion_tier), ZERO)
    on19 = sorted({p.index for p in pieces if p.line20 or not p.qualified})
    line19 = sum((ws[i].amount for i in on19), ZERO)
    line20 = sum((p.amount for p in pieces if p.line20), ZERO)
    disaster_total = sum((ws[i].amount for i in on19 if _disaster(pieces, i)), ZERO)

    ids19 = [ws[i].id for i in on19]
    ids20 = [ws[p.index].id for p in pieces if p.line20]
    q_reg_ids = [ws[p.index].id for p in qual if q_reg > 0]
    q_conv_ids = [ws[p.index].id for p in qual if q_conv > 0]
    taxable = None
    regular_left, conversions_left = basis.regular - q_reg, basis.conversions - q_conv
    cents3 = _part3(line19, line20, regular_left, conversions_left, disaster_total, CENTS)
    earnings = cents3.rest.earnings if cents3.rest else ZERO
    disaster_earnings = cents3.rest.disaster_earnings if cents3.rest else ZERO
    taxable_earnings = cents3.taxable_earnings
    form3 = (
        cents3
        if rounding is CENTS
        else _part3(line19, line20, regular_left, conversions_left, disaster_total, rounding)
    )
    if line19 > 0:
        f19 = _fig("nonqualified_distributions", form3.line19, ids19)
        f20 = _fig("first_home_expenses", form3.line20, ids20)
        f21 = _fig("after_first_home", form3.line21, ids19)
        taxable = TaxableAmount(f19, f20, f21)
        if form3.beyond is not None:
            line22, line23 = form3.beyond
            f22 = _fig("regular_contribution_basis", line22, basis.regular_events, q_reg_ids)
            f23 = _fig("beyond_regular_basis", line23, ids19, f22.events)
            taxable = TaxableAmount(f19, f20, f21, f22, f23)
            if form3.rest is not None:
                rest = form3.rest
                f24 = _fig(
                    "conversion_basis", rest.conversion_basis, basis.conversion_events, q_conv_ids
                )
                f25a = _fig("earnings", rest.earnings, f23.events, f24.events)
                dis_ids = [ws[i].id for i in on19 if _disaster(pieces, i)]
                f25b = _fig("disaster_earnings", rest.disaster_earnings, dis_ids, f25a.events)
                f25c = _fig("taxable_earnings", rest.taxable_earnings, f25a.events)
                taxable = TaxableAmount(f19, f20, f21, f22, f23, f24, f25a, f25b, f25c)
    walked = sum((n_col[j] for j in earn_j), ZERO)
    if walked != earnings:  # the two stages agree by construction (tests/rules)
        raise RuleFailed(
            f"{year}: the earnings of nonqualified distributions ({walked}) differ from the "
            f"taxable figures' earnings ({earnings})"
        )
    _fill(qual, q_col)
    _fill(first_home, fh_col)
    disaster_pieces = [p for p in nonq if p.disaster]
    ordinary = [p for p in nonq if not p.disaster]
    t_d = sum((p.amount for p in disaster_pieces), ZERO)
    t_o = sum((p.amount for p in ordinary), ZERO)
    if disaster_earnings > t_d or taxable_earnings > t_o:
        raise NotSupported(
            f"{year}: a qualified first-home distribution with disaster and other nonqualified "
            "distributions in one year (Form 8606 line 25b's share exceeds the distributions)"
        )
    _fill_nonqualified(
        disaster_pieces, ordinary, n_col, earn_j, disaster_earnings, taxable_earnings
    )

    # 3. per distribution: draws, the amount subject to the 10%, exceptions
    results: list[DistributionResult] = []
    used: dict[str, tuple[Decimal, list[str]]] = {}
    for i, w in enumerate(ws):
        kind, test = kinds[i], tests[i]
        mine = [p for p in pieces if p.index == i]
        draws: list[Draw] = []
        subject = taxable_i = line20_part = ZERO
        for p in mine:
            for s, amt in zip(slot_list, p.cells):
                if amt <= 0:
                    continue
                if s.source == "earnings":
                    hot = p.early and not p.qualified and not p.disaster
                    if not p.qualified:
                        taxable_i += amt
                else:
                    hot = (
                        p.early
                        and not p.qualified
                        and not p.disaster
                        and s.portion == "taxable"
                        and in_window(s.clock_year, w.date)
                    )
                sub = amt if hot else ZERO
                subject += sub
                draws.append(
                    Draw(
                        w.id,
                        s.source,
                        s.year,
                        s.portion,
                        s.clock_year,
                        amt,
                        sub,
                        s.event_ids,
                        s.citation,
                    )
                )
            if p.line20:
                line20_part += p.amount
        excepted = ZERO
        applied = kind
        if kind is not None and kind not in ("disaster", "age_59_and_a_half"):
            info = law.info(kind)
            if kind == "first_home" and test.qualified and test.trigger == "first_home":
                excepted = ZERO  # the qualified part is on line 20, the rest has no room
            else:
                room = exc.cap_room(info, w.date, caps)
                if room is None:
                    excepted = subject
                else:
                    part = min(w.amount, room)
                    caps = exc.use_cap(info, w.date, part, caps)
                    excepted = min(subject, part)
                    if part < w.amount:
                        warnings.append(f"{w.id}: the {kind} exception is capped at {part} here")
                if info.ledger_note:
                    warnings.append(f"{w.id}: {info.ledger_note}")
            if excepted > 0 or line20_part > 0:
                amount, evs = used.get(kind, (ZERO, []))
                evs = evs + [w.id] + list(_fact_events(owner, kind))
                used[kind] = (amount + excepted + line20_part, evs)
        elif kind == "disaster":
            info = law.info("disaster")
            cap = info.cap
            if cap is not None and w.amount > cap and info.ledger_note:
                warnings.append(f"{w.id}: {info.ledger_note}")
        code = _code(law, applied, warnings) if applied else None
        code = code or named_codes[i]
        results.append(
            DistributionResult(
                w,
                test,
                w.date < age59,
                applied,
                code,
                subject,
                excepted,
                cents((subject - excepted) * TEN_PERCENT),
                taxable_i,
                line20_part,
                tuple(draws),
            )
        )

    # 4. corrective distributions' income (the year the contribution was for)
    corrective: list[CorrectiveResult] = []
    for r in sorted(returns, key=lambda r: (r.date, r.id)):
        if r.earnings <= 0:
            continue
        early = r.date < age59
        kind = None
        if early and owner.died_on is not None and r.date >= owner.died_on:
            kind = "death"
        elif early and owner.disabled_on is not None and r.date >= owner.disabled_on:
            kind = "disability"
        elif early and law.info("excess_contribution_income").available_on(r.date):
            kind = "excess_contribution_income"
        subject = r.earnings if early else ZERO
        excepted = subject if kind else ZERO
        corrective.append(CorrectiveResult(r, early, kind, subject, excepted))
        if kind and excepted > 0:
            amount, evs = used.get(kind, (ZERO, []))
            used[kind] = (amount + excepted, evs + [r.id] + list(_fact_events(owner, kind)))
        if early and kind is None:
            warnings.append(
                f"{r.id}: the {r.earnings} of income returned on {r.date} with the contribution "
                "owes the 10% additional tax (under 59½, before SECURE 2.0 §333)"
            )

    # 4b. traditional IRA distributions before 59½: their taxable parts
    trad: list[TraditionalResult] = []
    for t in sorted(traditional, key=lambda t: (t.date, t.id)):
        tr, caps = _traditional(t, owner, law, caps, used, warnings)
        trad.append(tr)

    # 5. the additional tax
    subject = (
        sum((r.subject for r in results), ZERO)
        + sum((c.subject for c in corrective), ZERO)
        + sum((t.share.value for t in trad), ZERO)
    )
    excepted = (
        sum((r.excepted for r in results), ZERO)
        + sum((c.excepted for c in corrective), ZERO)
        + sum((t.excepted for t in trad), ZERO)
    )
    additional = None
    additional_tax = ZERO
    if line19 > 0 or subject > 0 or corrective:
        line1, line2, line3, additional_tax = _part1_5329(
            subject + line20, excepted + line20, rounding
        )
        early_ids = [
            r.withdrawal.id for r in results if r.subject > 0 or r.first_home_qualified > 0
        ]
        hot_ids = [
            e
            for r in results
            for d in r.draws
            if d.subject_to_additional_tax > 0
            for e in d.event_ids
        ]
        ret_ids = [c.ret.id for c in corrective if c.subject > 0]
        trad_ids = [t.distribution.id for t in trad if t.share.value > 0]
        f1 = _fig("early_includible", line1, trad_ids, early_ids, hot_ids, ret_ids)
        f2 = _fig("excepted", line2, *(evs for _a, evs in used.values()))
        f3 = _fig("subject_to_additional_tax", line3, f1.events, f2.events)
        f4 = _fig("additional_tax", additional_tax, f3.events)
        additional = AdditionalTax(f1, f2, f3, f4)

    if any(r.withdrawal.disaster for r in results):
        warnings.append(
            f"{year}: not supported: Form 8915-F is not computed: the taxable part of a "
            "qualified disaster distribution from a Roth IRA (Form 8606 line 25b) is taxed "
            "there, a third in each of three years unless you elect the whole in the first, "
            "less repayments within 3 years (IRC §72(t)(11)(C)); line 25b is not in the "
            "taxable amount shown"
        )
    if any(r.test.qualified and any(d.source != "earnings" for d in r.draws) for r in results):
        warnings.append(
            f"{year}: qualified distributions used up basis in the usual order (Reg. 1.408A-6 A-4); "
            "the Form 8606 line-22 worksheet would not subtract them"
        )
    exceptions_used = tuple(
        ExceptionUsed(
            k,
            law.info(k).code,
            law.info(k).code_certain,
            amount,
            tuple(dict.fromkeys(evs)),
        )
        for k, (amount, evs) in used.items()
    )
    for e in exceptions_used:
        if law.info(e.kind).line2:
            _code(law, e.kind, warnings)
    qualified = all(r.test.qualified for r in results) if results else None
    qfig = None
    if results:
        qfig = Figure(
            ZERO,
            tuple(
                dict.fromkeys(
                    [w.id for w in ws]
                    + list(owner.clock_events)
                    + list(owner.died_events)
                    + list(owner.disabled_events)
                )
            ),
            "qualified",
            CITE["qualified"],
        )
    return RothYear(
        year,
        tuple(results),
        tuple(corrective),
        taxable,
        additional,
        exceptions_used,
        form3.taxable_earnings,
        additional_tax,
        qualified,
        qfig,
        caps,
        tuple(dict.fromkeys(warnings)),
        tuple(trad),
    )


def _traditional(
    t: TraditionalDistribution,
    owner: Owner,
    law: exc.ExceptionLaw,
    caps: exc.CapUsage,
    used: dict[str, tuple[Decimal, list[str]]],
    warnings: list[str],
) -> tuple[TraditionalResult, exc.CapUsage]:
    """One traditional IRA distribution on Form 5329 Part I: its taxable part if made
    before 59½ (line 1), the part an exception covers (line 2; a capped exception counts
    the distribution's amount and excepts that share of its taxable part). ``used``
    gathers the exceptions applied, as for the Roth distributions."""
    age59 = owner.age_59_half_on
    claimed = exc.claim(t.exception, t.date, law, age59, "a traditional IRA distribution")
    kind = claimed.kind if claimed else None
    named = claimed.named_as if claimed and claimed.named_as.isdigit() else None
    if kind is None and owner.died_on is not None and t.date >= owner.died_on:
        kind = "death"
    if kind is None and owner.disabled_on is not None and t.date >= owner.disabled_on:
        kind = "disability"
    early = t.date < age59
    # a disaster distribution's taxable part is Form 8606 line 15b, not in ``taxable``
    subject = t.taxable if early and not t.disaster and kind != "disaster" else ZERO
    excepted = ZERO
    if subject > 0 and kind is not None and kind not in ("disaster", "age_59_and_a_half"):
        info = law.info(kind)
        room = exc.cap_room(info, t.date, caps)
        if room is None or room >= t.amount:
            excepted = subject
            if room is not None:
                caps = exc.use_cap(info, t.date, t.amount, caps)
        else:
            part = max(room, ZERO)
            caps = exc.use_cap(info, t.date, part, caps)
            excepted = cents(subject * part / t.amount) if t.amount > 0 else ZERO
            warnings.append(f"{t.id}: the {kind} exception is capped at {part} here")
        if info.ledger_note:
            warnings.append(f"{t.id}: {info.ledger_note}")
        amount, evs = used.get(kind, (ZERO, []))
        used[kind] = (amount + excepted, evs + [t.id] + list(_fact_events(owner, kind)))
    code = _code(law, kind, warnings) if kind and (excepted > 0 or kind == "disaster") else None
    share = _fig("early_traditional", subject, [t.id])
    return (
        TraditionalResult(
            t,
            early,
            kind,
            code or named,
            share,
            excepted,
            cents((subject - excepted) * TEN_PERCENT),
        ),
        caps,
    )


@dataclass(frozen=True, slots=True)
class _Earnings:
    """Form 8606 lines 24 to 25c."""

    conversion_basis: Decimal
    earnings: Decimal
    disaster_earnings: Decimal
    taxable_earnings: Decimal


@dataclass(frozen=True, slots=True)
class _Part3Figures:
    """Form 8606 Part III: lines 19-21, and 22-23 and 24-25c where the form goes on to
    them."""

    line19: Decimal
    line20: Decimal
    line21: Decimal
    beyond: tuple[Decimal, Decimal] | None = None  # regular basis and what is beyond it
    rest: _Earnings | None = None

    @property
    def taxable_earnings(self) -> Decimal:
        return self.rest.taxable_earnings if self.rest else ZERO


def _part3(
    nonqualified: Decimal,
    first_home: Decimal,
    regular_left: Decimal,
    conversions_left: Decimal,
    disaster_total: Decimal,
    rounding: Rounding,
) -> _Part3Figures:
    """The taxable-amount figures in the form's order, each from the rounded figures
    before it and rounded once by ``rounding`` (cents: the figures as computed; whole dollars:
    as a preparer files them). A figure the form does not reach is None."""
    r = rounder(rounding)
    l19 = r(nonqualified)
    l20 = r(first_home)
    l21 = l19 - l20
    if l21 <= 0:
        return _Part3Figures(l19, l20, l21)
    l22 = r(regular_left)
    l23 = max(l21 - l22, ZERO)
    if l23 <= 0:
        return _Part3Figures(l19, l20, l21, (l22, l23))
    l24 = r(conversions_left)
    earnings = max(l23 - l24, ZERO)
    disaster = r(earnings * r(disaster_total) / l19) if disaster_total and l19 else ZERO
    return _Part3Figures(
        l19, l20, l21, (l22, l23), _Earnings(l24, earnings, disaster, earnings - disaster)
    )


def _part1_5329(
    early_includible: Decimal, excepted: Decimal, rounding: Rounding
) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """The additional-tax figures in the form's order: includible, excepted, subject
    (their difference) and the tax (10% of it), each rounded once by ``rounding``."""
    r = rounder(rounding)
    line1 = r(early_includible)
    line2 = r(excepted)
    line3 = line1 - line2
    return line1, line2, line3, r(line3 * TEN_PERCENT)


def _first(columns: list[Decimal], amount: Decimal) -> list[Decimal]:
    """What ``amount`` takes of the walk's slots in their order (Reg. 1.408A-6 A-8)."""
    out: list[Decimal] = []
    left = amount
    for c in columns:
        take = min(c, max(left, ZERO))
        out.append(take)
        left -= take
    return out


def _disaster(pieces: list[_Piece], index: int) -> bool:
    return any(p.disaster for p in pieces if p.index == index and not p.qualified)


def _fill(group: list[_Piece], column: list[Decimal]) -> None:
    """Share a group's column of each slot among its parts in proportion to their amounts."""
    if not group:
        return
    rows = apportion.table(column, [p.amount for p in group])
    for p, row in zip(group, rows):
        p.cells = row


def _fill_nonqualified(
    disaster: list[_Piece],
    ordinary: list[_Piece],
    column: list[Decimal],
    earn_j: list[int],
    disaster_earnings: Decimal,
    taxable_earnings: Decimal,
) -> None:
    """Nonqualified parts: the disaster parts share the disaster earnings, the others the
    taxable earnings (each in proportion to amount); then all share the basis slots."""
    parts = disaster + ordinary
    if not parts:
        return
    earn = apportion.shares(disaster_earnings, [p.amount for p in disaster]) + apportion.shares(
        taxable_earnings, [p.amount for p in ordinary]
    )
    basis_cols = [ZERO if j in earn_j else c for j, c in enumerate(column)]
    rows = apportion.table(basis_cols, [p.amount - e for p, e in zip(parts, earn)])
    for p, row, e in zip(parts, rows, earn):
        for j in earn_j[:1]:  # the walk has one earnings slot, at the end
            row[j] = e
        p.cells = row


def _fact_events(owner: Owner, kind: str) -> tuple[str, ...]:
    if kind == "death":
        return owner.died_events
    if kind == "disability":
        return owner.disabled_events
    return ()


def _code(law: exc.ExceptionLaw, kind: str, warnings: list[str]) -> str | None:
    """The line-2 number of ``kind`` for the year; says so when it must be checked."""
    info = law.info(kind) if kind in law.kinds else None
    if info is None or not info.line2:
        return None
    year = law.tax_year
    if info.code is None and law.codes is not None:
        warnings.append(
            f"no {year} Form 5329 line-2 number on file for '{kind}': enter it from that "
            "year's instructions"
        )
    elif info.code is None:
        warnings.append(
            f"Form 5329 line-2 exception numbers for {year} are not confirmed: enter the number "
            f"for '{kind}' from that year's instructions"
        )
    elif not info.code_certain:
        warnings.append(
            f"Form 5329 line-2 exception numbers for {year} are not confirmed: {info.code} for "
            f"'{kind}' is its number in every year on file; check it against that year's "
            "instructions"
        )
    return info.code
