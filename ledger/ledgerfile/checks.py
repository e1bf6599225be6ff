"""Checks across fields and events, run once every event has been read.

Each check is a small function ``(event, node, ctx) -> None`` that records problems with
the line of the offending field. The table ``KIND_CHECKS`` keys them by event kind.
Over-limit contributions are not problems here: see :mod:`ledger.projections.limits` (warnings).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import events as ev
from .. import yearly
from ..dataclass import dataclass
from ..dates import age_59_and_a_half, age_70_and_a_half, end_of_year
from ..errors import LedgerError, MissingFact, NotSupported
from ..rules import employer_roth, exceptions, rollover_529
from ..rules import recharacterization as rechar_rules
from ..rules import rollovers as rollover_rules
from ..voids import in_force, void_loops, voided_ids
from .read import Node

if TYPE_CHECKING:
    from .validate import Known, _Collector

CONTRIBUTION_KINDS = ("roth_contribution", "ira_contribution", "plan_roth_contribution")
MAX_ROLLOVER_DAYS = 60  # §408(d)(3)(A): a rollover completed within 60 days
#: §72(t)(11)(C)(i): a qualified disaster distribution may be repaid "during the 3-year
#: period beginning on the day after the date on which such distribution was received"
DISASTER_REPAYMENT_YEARS = 3


@dataclass(slots=True)
class Ctx:
    """What the checks of one file's events share: problems found, what is stored, people."""

    out: _Collector
    known: Known
    people: Mapping[str, date | None] | None = None  # birth dates by person
    file_events: Mapping[str, ev.Event] | None = None  # this file's events by id
    #: rollovers in force by person: the stored ones, then this file's as they are checked
    rollovers: dict[str, list[rollover_rules.Rollover]] | None = None
    voided_now: frozenset[str] = frozenset()  # by the store and the file together
    #: target -> the recharacterizations in force naming it
    recharacterized: dict[str, list[ev.Recharacterization]] | None = None

    def add(self, node: Node, field: str | None, message: str) -> None:
        sub = node.value.get(field) if field and isinstance(node.value, dict) else None
        self.out.add(sub.line if sub is not None else node.line, field, message)


#: a person not among the people (a mapping's ``get`` default)
_NOT_LISTED: Any = object()


def reason(exc: LedgerError) -> str:
    return str(exc).removeprefix("missing: ")


def cross_checks(
    built: list[tuple[ev.Event, Node]],
    people: Mapping[str, date | None],
    known: Known,
    out: _Collector,
    record_ids: Iterable[str] = (),
) -> None:
    """``record_ids``: the ids of the file's household and person records (a void may
    name them: export writes such voids)."""
    ctx = Ctx(out, known, people, {e.id: e for e, _ in built})
    file_ids = {e.id for e, _ in built} | set(record_ids)
    seen: dict[str, int | None] = {}
    owners = dict(known.plan_owners)
    stored = known.events
    voids: list[tuple[ev.Void, Node]] = []
    unique = len(ctx.file_events or {}) == len(built)  # else some id is given twice
    for event, node in built:  # per event: no call where nothing is to check
        event_id = event.id
        if unique:
            pass
        elif event_id in seen:
            ctx.add(node, "id", f"id {event_id!r} is already used on line {seen[event_id]}")
        else:
            seen[event_id] = node.line
        if event_id in stored:
            _check_stored(event, node, ctx)
        person = getattr(event, "person", None)
        if person is not None:
            _check_person(event, person, node, people, ctx)
        if isinstance(event, ev.Void):
            _check_void(event, node, file_ids, ctx)
            voids.append((event, node))
        plan = getattr(event, "plan", None)
        if plan is not None and person is not None:
            owner = owners.setdefault(plan, person)
            if owner != person:
                ctx.add(
                    node,
                    "plan",
                    f"plan {plan!r} belongs to {owner!r}; give {person}'s plan its own id",
                )
        check = KIND_CHECKS.get(event.kind)
        if check is not None:
            check(event, node, ctx)
    _check_void_loops(voids, ctx)


def plainly_without_problems(
    events: Iterable[ev.Event],
    people: Mapping[str, date | None],
    known: Known,
) -> bool:
    """True only if :func:`cross_checks` finds no problem in these events (whatever
    their nodes and ``record_ids``): the import's fast path asks this first and runs
    :func:`cross_checks` -- the reference, which says what is wrong -- only when the
    answer is False ("not sure").

    Written out for the kinds of a firm's plain files, each checked as
    :func:`cross_checks` checks it, in one loop: every id new to the household and
    given once, the person listed and the effective date not before their birth, a
    plan kept by one person, and the kind's own check (a contribution in its tax
    year's window, each year's window looked up once; a plan distribution's split; a
    conversion's taxable part). Anything else -- a void, a distribution claiming an
    exception, a rollover or an inheritance, a conversion by rollover, any other kind
    -- is False. ``tests/test_plain_checks.py`` holds it to the reference."""
    stored = known.events
    # the classes compared, as locals (each ``ev.X`` is two lookups, per event)
    distribution, roth_end, ira_end = ev.RothDistribution, ev.RothYearEndValue, ev.IraYearEndValue
    roth, ira, conversion = ev.RothContribution, ev.IraContribution, ev.RothConversion
    after_tax, plan_out = ev.PlanAfterTaxContribution, ev.PlanDistribution
    owners: dict[str, str] | None = None
    windows: dict[int, tuple[date, date] | None] = {}
    ends = _YEAR_ENDS
    seen: set[str] = set()
    e: Any
    for e in events:
        t = type(e)
        if t is distribution:
            if e.exception is not None or e.rolled_over or e.inherited_from is not None:
                return False
            day = e.date
        elif t is roth_end or t is ira_end:
            day = ends.get(e.year)  # each year's Dec 31 made once (_year_end)
            if day is None:
                day = _year_end(e.year)
        elif t is roth or t is ira:
            day, year = e.date, e.tax_year
            window = windows.get(year, _NOT_LISTED)
            if window is _NOT_LISTED:
                window = windows[year] = _contribution_window(year)
            if window is None or not window[0] <= day <= window[1]:
                return False
        elif t is conversion:
            if e.distributed_on is not None or e.elect_out_of_spread is not None:
                return False
            if e.taxable is not None and e.taxable > e.amount:
                return False
            day = e.date
        elif t is after_tax or t is plan_out:
            if t is plan_out and not (
                e.to_roth_ira + e.to_traditional_ira + e.to_cash == e.amount
                and 0 < e.account_value
                and e.amount <= e.account_value
            ):
                return False
            if owners is None:
                owners = dict(known.plan_owners)
            if owners.setdefault(e.plan, e.person) != e.person:
                return False
            day = e.date
        else:
            return False
        event_id = e.id
        if event_id in seen or event_id in stored:
            return False
        seen.add(event_id)
        born = people.get(e.person, _NOT_LISTED)
        if born is _NOT_LISTED or day is None or (born is not None and day < born):
            return False
    return True


#: each year's Dec 31 and Jan 1 (``date`` values: the same whatever the data files say),
#: made once in this process rather than once a file (a ``date()`` call each); emptied
#: when :data:`_DAYS_KEPT` years are held
_YEAR_ENDS: dict[int, date] = {}
_YEAR_STARTS: dict[int, date] = {}
_DAYS_KEPT = 4096


def _year_end(year: int) -> date:
    """``end_of_year(year)``, kept (:data:`_YEAR_ENDS`) for an int year; raises as it
    raises. ``REFERENCE_DAYS``: made each time, as before (the reference a test compares)."""
    day = end_of_year(year)
    if type(year) is int and not REFERENCE_DAYS:
        if len(_YEAR_ENDS) >= _DAYS_KEPT:
            _YEAR_ENDS.clear()
        _YEAR_ENDS[year] = day
    return day


def _year_start(year: int) -> date:
    """``date(year, 1, 1)``, kept (:data:`_YEAR_STARTS`) as :func:`_year_end` keeps Dec 31."""
    day = _YEAR_STARTS.get(year)
    if day is None:
        day = date(year, 1, 1)
        if type(year) is int and not REFERENCE_DAYS:
            if len(_YEAR_STARTS) >= _DAYS_KEPT:
                _YEAR_STARTS.clear()
            _YEAR_STARTS[year] = day
    return day


#: True: every Jan 1 and Dec 31 made again each time (the reference)
REFERENCE_DAYS = False


def _contribution_window(tax_year: int) -> tuple[date, date] | None:
    """(Jan 1 of ``tax_year``, its contribution deadline), as :func:`_deadline` takes
    them; None where it has no deadline on file (:func:`_deadline` says so)."""
    try:
        return _year_start(tax_year), yearly.filing_deadline(tax_year)
    except (MissingFact, ValueError, OverflowError, TypeError):
        return None


def _check_stored(event: ev.Event, node: Node, ctx: Ctx) -> None:
    stored = ctx.known.events.get(event.id)
    if stored is None:
        return
    if stored.kind != event.kind or ev.to_payload(stored) != ev.to_payload(event):
        first = ctx.known.earlier(event.id) if ctx.known.earlier is not None else None
        if first is not None:  # not stored: an earlier file of this import gives it
            ctx.add(
                node,
                "id",
                f"id {event.id} is also given in {first} of this import, with different "
                "content (neither is stored); an id names one event: give one of them "
                "another id",
            )
            return
        ctx.add(
            node,
            "id",
            f"id {event.id} already stored with different content; "
            "record a void and a new event instead",
        )


def _check_person(
    event: ev.Event, person: str, node: Node, people: Mapping[str, date | None], ctx: Ctx
) -> None:
    """The event's ``person`` is listed, and the event is not before their birth."""
    born = people.get(person, _NOT_LISTED)
    if born is _NOT_LISTED:
        ctx.add(
            node,
            "person",
            f"unknown person {person!r}: add it under people (or with `roth-ledger record person`)",
        )
        return
    if born is None:
        return
    day = event.effective_date
    if day is not None and day < born:
        where = "date" if hasattr(event, "date") else "year"
        ctx.add(node, where, f"{day} is before {person}'s birth ({born})")


def _check_void(event: ev.Void, node: Node, file_ids: set[str], ctx: Ctx) -> None:
    if event.target == event.id:
        ctx.add(node, "target", "a void cannot cancel itself")
    elif event.target not in file_ids and event.target not in ctx.known.events:
        ctx.add(node, "target", f"no event {event.target!r} in this file or the household")


def _check_void_loops(voids: list[tuple[ev.Void, Node]], ctx: Ctx) -> None:
    """Voids naming each other in a loop cancel nothing consistently (ledger.voids).
    ``voids``: the file's voids and their nodes."""
    if not voids:
        return
    nodes = {e.id: n for e, n in voids}
    stored = [e for e in ctx.known.events.values() if isinstance(e, ev.Void)]
    for loop in void_loops(stored + [e for e, _ in voids]):
        if len(loop) == 1:
            continue  # a void naming itself: _check_void says so
        first = next(i for i in loop if i in nodes)
        chain = " -> ".join([*loop, loop[0]])
        ctx.add(nodes[first], "target", f"voids cancel each other in a loop ({chain})")


def _deadline(event, node: Node, ctx: Ctx) -> None:
    start = date(event.tax_year, 1, 1)
    if event.date < start:
        ctx.add(node, "date", f"{event.date} is before tax year {event.tax_year} began")
        return
    try:
        deadline = yearly.filing_deadline(event.tax_year)
    except MissingFact as exc:
        ctx.add(node, "tax_year", reason(exc))
        return
    if event.date > deadline:
        ctx.add(
            node,
            "date",
            f"{event.date} is after the {event.tax_year} contribution "
            f"deadline ({deadline}); a later deposit counts for a later tax year",
        )


def _return(event: ev.RothContributionReturn, node: Node, ctx: Ctx) -> None:
    if event.date < date(event.tax_year, 1, 1):
        ctx.add(node, "date", f"{event.date} is before tax year {event.tax_year} began")


def _plan_distribution(event: ev.PlanDistribution, node: Node, ctx: Ctx) -> None:
    split = event.to_roth_ira + event.to_traditional_ira + event.to_cash
    if split != event.amount:
        ctx.add(
            node,
            "amount",
            f"to_roth_ira + to_traditional_ira + to_cash = {split}, but amount is {event.amount}",
        )
    if event.account_value <= 0:
        ctx.add(node, "account_value", "must be more than zero (the value just before)")
    elif event.amount > event.account_value:
        ctx.add(node, "amount", f"{event.amount} is more than account_value {event.account_value}")


def _in_plan_rollover(event: ev.InPlanRothRollover, node: Node, ctx: Ctx) -> None:
    if event.account_value is None and event.taxable is None:
        ctx.add(node, "taxable", "give taxable (1099-R box 2a) or account_value")
    if event.taxable is not None and event.taxable > event.amount:
        ctx.add(node, "taxable", f"{event.taxable} is more than amount {event.amount}")
    if event.account_value is not None:
        if event.account_value <= 0:
            ctx.add(node, "account_value", "must be more than zero")
        elif event.amount > event.account_value:
            ctx.add(
                node, "amount", f"{event.amount} is more than account_value {event.account_value}"
            )


def _designated_roth(event: ev.DesignatedRothRollover, node: Node, ctx: Ctx) -> None:
    if event.basis is not None and event.basis > event.amount:
        ctx.add(node, "basis", f"{event.basis} is more than amount {event.amount}")


def _conversion(event: ev.RothConversion, node: Node, ctx: Ctx) -> None:
    if event.taxable is not None and event.taxable > event.amount:
        ctx.add(node, "taxable", f"{event.taxable} is more than amount {event.amount}")
    income_year = (event.distributed_on or event.date).year
    if event.elect_out_of_spread is not None and income_year not in (1998, 2010):
        ctx.add(
            node,
            "elect_out_of_spread",
            f"applies only to conversions distributed in 2010 or 1998 (this one: {income_year})",
        )
    left = event.distributed_on
    if left is None:
        return
    if left >= event.date:
        ctx.add(
            node,
            "distributed_on",
            f"{left} must be before date ({event.date}); leave it "
            "out when the money left and arrived the same day",
        )
    elif event.date - left > timedelta(days=MAX_ROLLOVER_DAYS):
        ctx.add(
            node,
            "distributed_on",
            f"{left} is {(event.date - left).days} days before date "
            f"({event.date}); a conversion by rollover must arrive within 60 days "
            "(§408(d)(3)(A))",
        )


def _exception(event: ev.RothDistribution | ev.IraDistribution, node: Node, ctx: Ctx) -> None:
    """The exception a distribution claims must apply to it in its tax year (the law in
    ``ledger/data/exception_codes.yaml``; :func:`ledger.rules.exceptions.claim`)."""
    value = event.exception
    if value is None:
        return
    if not yearly.is_code(value) and value not in yearly.exception_kinds():
        ctx.add(
            node,
            "exception",
            f"unknown exception {value!r} (a kind: "
            f"{', '.join(yearly.exception_kinds())}; or the Form 5329 line-2 number)",
        )
        return
    born = ctx.people.get(event.person) if ctx.people else None
    try:
        exceptions.claim(
            value,
            event.date,
            yearly.exception_law(event.date.year),
            age_59_and_a_half(born) if born else None,
            "a traditional IRA distribution"
            if isinstance(event, ev.IraDistribution)
            else "a Roth IRA distribution",
        )
    except LedgerError as exc:
        ctx.add(node, "exception", reason(exc))


def _rolled_over(event: ev.RothDistribution | ev.IraDistribution, node: Node, ctx: Ctx) -> None:
    """``rolled_over`` is part of the amount, and a person makes one IRA-to-IRA rollover in
    any 12 months across all their IRAs (:mod:`ledger.rules.rollovers`). A voided
    distribution is not a rollover; each pair is refused once, on the one checked last."""
    if not event.rolled_over:
        return
    if event.rolled_over > event.amount:
        ctx.add(
            node,
            "rolled_over",
            f"{event.rolled_over} is more than amount {event.amount} (rolled_over is the part "
            "of this distribution paid back in within 60 days)",
        )
        return
    voided, by_person = _rollovers(ctx)
    if event.id in voided:
        return
    mine = by_person.setdefault(event.person, [])
    other = rollover_rules.conflicting_rollover(event.date, mine)
    if other is not None:
        ctx.add(
            node,
            "rolled_over",
            f"{other.id} (distributed {other.date}) was already rolled over, and one "
            "IRA-to-IRA rollover is allowed in any 12 months across all of a person's IRAs, "
            f"traditional and Roth together; this distribution ({event.date}) is within 12 "
            "months of it, counted from the day of each distribution "
            f"({rollover_rules.CITE_LIMIT}). What was paid back in is then a contribution, not a "
            "rollover",
        )
        return
    mine.append(rollover_rules.Rollover(event.id, event.date))


def _roth_distribution(event: ev.RothDistribution, node: Node, ctx: Ctx) -> None:
    if event.exception is None and not event.rolled_over and event.inherited_from is None:
        return  # the plain case: none of the three checks has anything to check
    _exception(event, node, ctx)
    _rolled_over(event, node, ctx)
    _inherited_from(event, node, ctx)


_ROLLOVER_KINDS = (ev.RothDistribution, ev.IraDistribution)


def _rollovers(ctx: Ctx) -> tuple[frozenset[str], dict[str, list[rollover_rules.Rollover]]]:
    """The ids voided by the store and the file together, and the stored rollovers in
    force by person (made once per check)."""
    if ctx.rollovers is None:
        file_events = ctx.file_events or {}
        ctx.voided_now = frozenset(voided_ids([*ctx.known.events.values(), *file_events.values()]))
        ctx.rollovers = {}
        for e in ctx.known.events.values():
            if (
                isinstance(e, _ROLLOVER_KINDS)
                and e.rolled_over
                and e.id not in ctx.voided_now
                and e.id not in file_events  # a re-imported event is checked as the file's
            ):
                ctx.rollovers.setdefault(e.person, []).append(rollover_rules.Rollover(e.id, e.date))
    return ctx.voided_now, ctx.rollovers


def _tax_year_income(event: ev.TaxYearIncome, node: Node, ctx: Ctx) -> None:
    if event.filing_status not in yearly.FILING_STATUSES:
        ctx.add(
            node,
            "filing_status",
            f"unknown filing status {event.filing_status!r} (one of: "
            f"{', '.join(yearly.FILING_STATUSES)})",
        )
    if event.lived_apart and event.filing_status != "married_filing_separately":
        ctx.add(node, "lived_apart", "applies only to married_filing_separately")


RECHARACTERIZABLE = ("roth_contribution", "ira_contribution", "roth_conversion")


def _recharacterization(event: ev.Recharacterization, node: Node, ctx: Ctx) -> None:
    target = (ctx.file_events or {}).get(event.target) or ctx.known.events.get(event.target)
    if target is None:
        ctx.add(node, "target", f"no event {event.target!r} in this file or the household")
        return
    if target.kind not in RECHARACTERIZABLE:
        ctx.add(
            node,
            "target",
            f"{event.target} is a {target.kind}; only a roth_contribution, ira_contribution "
            "or roth_conversion can be recharacterized (IRC §408A(d)(6))",
        )
        return
    if getattr(target, "person", None) != event.person:
        ctx.add(node, "target", f"{event.target} belongs to {getattr(target, 'person', None)}")
    own = getattr(target, "amount", None)
    field = "part" if event.part is not None else "contribution"
    part = event.moved_part
    if event.part is not None and event.contribution is not None:
        if event.part != event.contribution:
            ctx.add(
                node,
                "contribution",
                f"{event.contribution} is not part {event.part}: contribution is another name "
                "for part (give one)",
            )
            return
    if event.contribution is not None and isinstance(target, ev.RothConversion):
        ctx.add(
            node,
            "contribution",
            f"{event.target} is a roth_conversion: give the part of it recharacterized as "
            "part (contribution is for a contribution)",
        )
        return
    if event.deductible is not None and not isinstance(target, ev.RothContribution):
        ctx.add(
            node,
            "deductible",
            f"{event.target} is a {target.kind}; deductible applies only to a "
            "roth_contribution moved to a traditional IRA",
        )
    if part is not None:
        if part <= 0:
            ctx.add(node, field, f"{part} is not more than 0")
            return
        if own is not None and part > own:
            ctx.add(
                node,
                field,
                f"{part} is more than {event.target}'s amount {own} ({field} is the part of "
                "it recharacterized, before its net income; that income is in amount)",
            )
            return
        if (
            isinstance(target, ev.RothConversion)
            and target.taxable is not None
            and rechar_rules.rest_taxable(target.amount, target.taxable, part) is None
        ):
            ctx.add(node, field, str(NotSupported(rechar_rules.part_unsupported(target.id))))
            return
    named = _recharacterized(ctx)
    earlier = [r for r in named.get(event.target, []) if r.id != event.id]
    whole = [r for r in earlier if r.moved_part is None]
    done = sum((r.moved_part for r in earlier if r.moved_part is not None), Decimal(0))
    if whole:
        ctx.add(
            node,
            "target",
            f"{event.target} is already recharacterized by {whole[0].id}, whole (void that "
            "one to record another, or give each recharacterization its part)",
        )
    elif earlier and part is None:
        ctx.add(
            node,
            "target",
            f"{event.target} is already recharacterized in part by "
            f"{', '.join(r.id for r in earlier)} ({done} of {own}): give part (at most "
            f"{own - done if own is not None else done}, the rest)",
        )
    elif earlier and own is not None and done + (part or 0) > own:
        ctx.add(
            node,
            field,
            f"{part} with the {done} already recharacterized by "
            f"{', '.join(r.id for r in earlier)} is more than {event.target}'s amount "
            f"({own}): at most {own - done} is left",
        )
    elif event.id not in ctx.voided_now:
        named.setdefault(event.target, []).append(event)
    if isinstance(target, ev.RothConversion):
        made = target.distributed_on or target.date
        if made >= date(2018, 1, 1):
            ctx.add(
                node,
                "target",
                f"{event.target} is a conversion made on {made}: a conversion after 2017 "
                "cannot be recharacterized (Tax Cuts and Jobs Act of 2017 §13611, IRC "
                "§408A(d)(6)(B)(iii))",
            )
    target_date = getattr(target, "date", None)
    if target_date is not None and event.date < target_date:
        ctx.add(node, "date", f"{event.date} is before {event.target} ({target_date})")


def _plan_roth(event: ev.PlanRothContribution, node: Node, ctx: Ctx) -> None:
    _deadline(event, node, ctx)
    if event.employer and event.date < employer_roth.EMPLOYER_ROTH_FROM:
        ctx.add(
            node,
            "employer",
            f"{event.date}: employer contributions can be designated Roth only when made "
            "after 2022-12-29 (SECURE 2.0 §604, IRC §402A(a)(2)-(3))",
        )


def _sep_simple(event: ev.RothSepSimpleContribution, node: Node, ctx: Ctx) -> None:
    if event.plan_type not in employer_roth.PLAN_TYPES:
        ctx.add(node, "plan_type", f"{event.plan_type!r}: give sep or simple")
    if event.date < employer_roth.ROTH_SEP_SIMPLE_FROM:
        ctx.add(
            node,
            "date",
            f"{event.date}: a SEP or SIMPLE IRA can be a Roth IRA only from 2023 (SECURE 2.0 §601)",
        )


def _rollover_529(event: ev.Roth529Rollover, node: Node, ctx: Ctx) -> None:
    if event.date < rollover_529.FIRST_DAY:
        ctx.add(
            node,
            "date",
            f"{event.date}: 529-to-Roth rollovers are for distributions after 2023-12-31 "
            "(IRC §529(c)(3)(E), SECURE 2.0 §126)",
        )
        return
    if event.tax_year is not None:
        if event.tax_year > event.date.year:
            ctx.add(node, "tax_year", f"{event.tax_year} is after the rollover ({event.date})")
        elif event.tax_year < event.date.year:
            _deadline(event, node, ctx)
    if event.basis is not None and event.basis > event.amount:
        ctx.add(node, "basis", f"{event.basis} is more than the amount ({event.amount})")
    if event.account_opened is not None:
        if event.account_opened > event.date:
            ctx.add(node, "account_opened", f"{event.account_opened} is after {event.date}")
        elif not rollover_529.open_long_enough(event.account_opened, event.date):
            ctx.add(
                node,
                "account_opened",
                f"{event.account_opened}: the 529 account was not open 15 years by "
                f"{event.date} (IRC §529(c)(3)(E)(i)); the money is a taxable 529 "
                "distribution: record what went into the Roth IRA as a roth_contribution",
            )


def _recharacterized(ctx: Ctx) -> dict[str, list[ev.Recharacterization]]:
    """target -> the recharacterizations in force naming it: the stored ones, then this
    file's as they are checked (made once per check)."""
    if ctx.recharacterized is None:
        voided, _ = _rollovers(ctx)  # the ids voided by the store and the file together
        file_events = ctx.file_events or {}
        named: dict[str, list[ev.Recharacterization]] = {}
        for e in ctx.known.events.values():
            if (
                isinstance(e, ev.Recharacterization)
                and e.id not in voided
                and e.id not in file_events
            ):
                named.setdefault(e.target, []).append(e)
        ctx.recharacterized = named
    return ctx.recharacterized


def _in_force(ctx: Ctx) -> list[ev.Event]:
    """The household's events in force, stored and in this file (voids of both count)."""
    events = list(ctx.known.events.values())
    events += [e for e in (ctx.file_events or {}).values() if e.id not in ctx.known.events]
    voided = voided_ids(events)
    return [e for e in events if e.id not in voided]


def _ira_distribution(event: ev.IraDistribution, node: Node, ctx: Ctx) -> None:
    """The parts a distribution claims are excluded from income (ledger.rules.ira_exclusions)."""
    qcd, hsa = event.qcd or 0, event.hsa_funding or 0
    rolled, back = event.rolled_over or 0, event.excess_withdrawn or 0
    if (qcd or hsa or back) and qcd + hsa + rolled + back > event.amount:
        which = "qcd" if qcd else "hsa_funding" if hsa else "excess_withdrawn"
        named = [("qcd", qcd), ("hsa_funding", hsa), ("rolled_over", rolled)]
        named.append(("excess_withdrawn", back))
        parts = " + ".join(n for n, v in named if v)
        total = qcd + hsa + rolled + back
        ctx.add(node, which, f"{parts} = {total}, more than amount {event.amount}")
    if event.disaster and (qcd or hsa or back):
        ctx.add(
            node,
            "disaster",
            "a qualified charitable or HSA funding distribution, or a withdrawn excess "
            "contribution, is not a qualified disaster distribution: record the parts as "
            "separate ira_distribution events",
        )
    if qcd:
        first = yearly.qcd_first_day()
        born = ctx.people.get(event.person) if ctx.people else None
        if event.date < first:
            ctx.add(
                node,
                "qcd",
                f"{event.date} is before {first}: qualified charitable distributions exist "
                "from 2006 (IRC §408(d)(8), Pension Protection Act of 2006 §1201)",
            )
        elif born is not None and event.date < age_70_and_a_half(born):
            ctx.add(
                node,
                "qcd",
                f"{event.person} reaches 70½ on {age_70_and_a_half(born)}: a distribution on "
                f"{event.date} cannot be a qualified charitable distribution (IRC "
                "§408(d)(8)(B)(ii)); record it without qcd",
            )
        else:
            try:
                yearly.qcd_limit(event.date.year)
            except MissingFact as exc:
                ctx.add(node, "qcd", reason(exc))
    if hsa:
        _hsa_funding(event, node, ctx)


def _hsa_funding(event: ev.IraDistribution, node: Node, ctx: Ctx) -> None:
    first = yearly.hsa_funding_first_day()
    if event.date < first:
        ctx.add(
            node,
            "hsa_funding",
            f"{event.date} is before {first}: HSA funding distributions exist from 2007 "
            "(IRC §408(d)(9), Tax Relief and Health Care Act of 2006 §307)",
        )
        return
    for other in _in_force(ctx):
        if (
            isinstance(other, ev.IraDistribution)
            and other.id != event.id
            and other.person == event.person
            and other.hsa_funding
            and other.date.year != event.date.year
        ):
            ctx.add(
                node,
                "hsa_funding",
                f"{other.id} ({other.date}) is already {event.person}'s qualified HSA funding "
                "distribution: one is allowed in a lifetime, a second only in the same tax "
                "year (IRC §408(d)(9)(C)(ii)); void it first if it was not one",
            )
            return


def _disaster_repayment(event: ev.IraDisasterRepayment, node: Node, ctx: Ctx) -> None:
    target = (ctx.file_events or {}).get(event.target) or ctx.known.events.get(event.target)
    if target is None:
        ctx.add(node, "target", f"no event {event.target!r} in this file or the household")
        return
    if isinstance(target, ev.RothDistribution) and target.disaster:
        ctx.add(
            node,
            "target",
            f"not supported: {event.target} is a Roth IRA disaster distribution; only the "
            "repayment of a traditional/SEP/SIMPLE IRA one (Form 8606 line 6) is recorded",
        )
        return
    if not isinstance(target, ev.IraDistribution) or not target.disaster:
        ctx.add(
            node,
            "target",
            f"{event.target} is not a qualified disaster distribution (an ira_distribution "
            "with disaster: true)",
        )
        return
    if target.person != event.person:
        ctx.add(node, "target", f"{event.target} belongs to {target.person}")
        return
    try:
        last = target.date.replace(year=target.date.year + DISASTER_REPAYMENT_YEARS)
    except ValueError:  # received on Feb 29
        last = date(target.date.year + DISASTER_REPAYMENT_YEARS, 2, 28)
    if not target.date < event.date <= last:
        ctx.add(
            node,
            "date",
            f"{event.date} is outside the repayment period of {event.target} (received "
            f"{target.date}: the 3 years from the next day, to {last}; IRC §72(t)(11)(C))",
        )
    repaid = sum(
        e.amount
        for e in _in_force(ctx)
        if isinstance(e, ev.IraDisasterRepayment) and e.target == event.target
    )
    if repaid > target.amount:
        ctx.add(
            node,
            "amount",
            f"repayments of {event.target} come to {repaid}, more than the distribution "
            f"({target.amount}); IRC §72(t)(11)(C) allows at most the amount distributed",
        )


def _ira_distribution_all(event: ev.IraDistribution, node: Node, ctx: Ctx) -> None:
    _rolled_over(event, node, ctx)
    _exception(event, node, ctx)
    _ira_distribution(event, node, ctx)


def _all_events(ctx: Ctx) -> list[ev.Event]:
    """The household's events in force with this file's (voids of either applied)."""
    seen = dict(ctx.known.events)
    seen.update(ctx.file_events or {})
    return list(in_force(seen.values()))


def _death(ctx: Ctx, person: str) -> date | None:
    days = [e.date for e in _all_events(ctx) if type(e) is ev.PersonDied and e.person == person]
    return min(days) if days else None


def _roth_inherited(event: ev.RothInherited, node: Node, ctx: Ctx) -> None:
    if event.decedent == event.person:
        ctx.add(node, "decedent", "a person cannot inherit from themselves")
        return
    if ctx.people is not None and event.decedent not in ctx.people:
        ctx.add(
            node,
            "decedent",
            f"unknown person {event.decedent!r}: record the decedent as a person of the "
            "household (with their Roth IRA history and person_died)",
        )
        return
    died = _death(ctx, event.decedent)
    if died is None:
        ctx.add(node, "decedent", f"no person_died recorded for {event.decedent}")
    elif event.date < died:
        ctx.add(node, "date", f"{event.date} is before {event.decedent}'s death ({died})")
    if not 0 < event.percent <= 100:
        ctx.add(node, "percent", f"{event.percent} is not a share (more than 0, at most 100)")
    if event.treat_as_own and event.percent != 100:
        ctx.add(
            node,
            "treat_as_own",
            "only the surviving spouse who is the sole beneficiary may treat the Roth IRA as "
            "her own (Treas. Reg. §1.408A-2 A-4): percent must be 100",
        )
    shares = [
        e for e in _all_events(ctx) if type(e) is ev.RothInherited and e.decedent == event.decedent
    ]
    if sum((e.percent for e in shares), Decimal(0)) > 100:
        ctx.add(
            node, "percent", f"the shares of {event.decedent}'s Roth IRAs add up to more than 100"
        )
    if any(e.person == event.person and e.id != event.id for e in shares):
        ctx.add(
            node,
            "decedent",
            f"{event.person} already inherits from {event.decedent} (one roth_inherited each)",
        )


def _inherited_from(event: ev.RothDistribution, node: Node, ctx: Ctx) -> None:
    """A beneficiary's distribution from an inherited Roth IRA names a decedent the person
    inherited from (not as her own), and comes after the death."""
    if event.inherited_from is None:
        return
    inh = [
        e
        for e in _all_events(ctx)
        if type(e) is ev.RothInherited
        and e.person == event.person
        and e.decedent == event.inherited_from
    ]
    if not inh:
        ctx.add(
            node,
            "inherited_from",
            f"{event.person} has no roth_inherited from {event.inherited_from!r}",
        )
        return
    if inh[0].treat_as_own:
        ctx.add(
            node,
            "inherited_from",
            f"{event.person} treats the Roth IRA of {event.inherited_from} as her own: record "
            "the distribution without inherited_from",
        )
    died = _death(ctx, event.inherited_from)
    if died is not None and event.date < died:
        ctx.add(node, "date", f"{event.date} is before {event.inherited_from}'s death ({died})")


KIND_CHECKS: dict[str, Callable] = {
    **{k: _deadline for k in CONTRIBUTION_KINDS},
    "roth_contribution_return": _return,
    "plan_distribution": _plan_distribution,
    "in_plan_roth_rollover": _in_plan_rollover,
    "designated_roth_rollover": _designated_roth,
    "roth_conversion": _conversion,
    "roth_distribution": _roth_distribution,
    "ira_distribution": _ira_distribution_all,
    "tax_year_income": _tax_year_income,
    "recharacterization": _recharacterization,
    "plan_roth_contribution": _plan_roth,
    "roth_sep_simple_contribution": _sep_simple,
    "roth_529_rollover": _rollover_529,
    "ira_disaster_repayment": _disaster_repayment,
    "roth_inherited": _roth_inherited,
}
