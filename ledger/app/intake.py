"""Use cases for form intake: what the ledger knows about a person, and recording all the
events of one form atomically.

``record_form_5498`` and ``record_form_1099r`` take a form's boxes as printed (and the
facts the form cannot tell), map them to events (:mod:`ledger.intake`, pure) and record
them, or with ``dry_run`` only say what they would record.

``record_events`` validates every event exactly as ``record_event`` does (same raw tree,
same ``validate_ledger``), then appends them in ONE ``store.append`` at the version it
validated against: a form is recorded whole or not at all.
"""

from __future__ import annotations

from dataclasses import field
from datetime import date
from decimal import Decimal

from .. import events as ev
from ..dataclass import dataclass
from ..errors import InvalidInput, LedgerError, Problem
from ..intake.forms import FormRefused, Recharacterizable
from ..ledgerfile import Known, validate_ledger
from ..ledgerfile.read import Node, RawLedger
from ..projections.duplicates import duplicate_warnings
from ..store.api import EventStore, StoredEvent
from ..voids import in_force
from .importing import _fresh_id, _load, _record_tree


@dataclass(frozen=True, slots=True)
class PersonFacts:
    born: date
    died_on: date | None
    disabled_on: date | None
    ira_year_end: dict[int, ev.IraYearEndValue]
    roth_contributions: dict[int, Decimal]  # by tax year, less contributions returned
    recharacterizable: tuple[Recharacterizable, ...] = ()


def person_facts(store: EventStore, household: str, person: str) -> PersonFacts:
    """Birth, death and disability dates (not voided) the household holds for a person
    (its chain checked first: a form is never read against a changed ledger)."""
    stored, _ = _load(store, household)
    if not stored:
        raise LedgerError(f"no household {household!r}: create it with `record household`")
    live = [e for e in in_force(stored) if getattr(e, "person", None) == person]
    born = None
    died = disabled = None
    year_end: dict[int, ev.IraYearEndValue] = {}
    roth: dict[int, Decimal] = {}
    for e in live:
        if isinstance(e, ev.PersonAdded):
            born = e.born
        elif isinstance(e, ev.PersonDied):
            died = min(died or e.date, e.date)
        elif isinstance(e, ev.PersonDisabled):
            disabled = min(disabled or e.date, e.date)
        elif isinstance(e, ev.IraYearEndValue):
            year_end[e.year] = e
        elif isinstance(e, ev.RothContribution):
            roth[e.tax_year] = roth.get(e.tax_year, Decimal(0)) + e.amount
        elif isinstance(e, ev.RothContributionReturn):
            roth[e.tax_year] = roth.get(e.tax_year, Decimal(0)) - e.amount
    if born is None:
        raise LedgerError(
            f"no person {person!r} in household {household!r}: add them with `record person` first"
        )
    moved: dict[str, Decimal | None] = {}  # target -> the part moved (None: whole)
    for e in live:
        if isinstance(e, ev.Recharacterization):
            before = moved.get(e.target, Decimal(0))
            part = e.moved_part
            moved[e.target] = None if part is None or before is None else before + part
    movable = tuple(
        Recharacterizable(
            id=e.id,
            kind=e.kind,
            tax_year=(e.distributed_on or e.date).year
            if isinstance(e, ev.RothConversion)
            else e.tax_year,
            date=e.date,
            amount=e.amount,
        )
        for e in live
        if isinstance(e, (ev.RothContribution, ev.IraContribution, ev.RothConversion))
        and _left(e.amount, moved, e.id)
    )
    return PersonFacts(born, died, disabled, year_end, roth, movable)


def _left(amount: Decimal, moved: dict[str, Decimal | None], target: str) -> bool:
    """Part of the target is not recharacterized yet (a partial recharacterization,
    ``part``, leaves the rest recharacterizable)."""
    if target not in moved:
        return True
    part = moved[target]
    return part is not None and part < amount


def build_events(
    store: EventStore, household: str, raw_events: list[dict], label: str
) -> tuple[list[ev.Event], int]:
    """Validate the raw events against the household; return them with fresh ids, and the
    version they were validated at. Raises InvalidInput listing every problem."""
    if not raw_events:
        return [], 0
    stored, (version, _) = _load(store, household)
    known = Known.from_events(stored)
    items = []
    for raw in raw_events:
        fields = {k: v for k, v in raw.items() if k != "kind"}
        if raw.get("kind") not in ev.FILE_KINDS or raw["kind"] == "void":
            raise FormRefused([Problem(label, None, "kind", f"cannot record {raw.get('kind')!r}")])
        tree = _record_tree(household, raw["kind"], fields)
        items.extend(tree.value["events"].value)
    root = Node(
        {"version": Node(1, None), "household": Node(household, None), "events": Node(items, None)},
        None,
    )
    try:
        ledger = validate_ledger(RawLedger(label, root), known)
    except InvalidInput as exc:  # one line per problem, as the form's own refusals
        raise FormRefused(exc.problems) from None
    taken = {e.id for e in stored}
    out = []
    renamed = False
    for event, raw in zip(ledger.events, raw_events):
        if event.id in taken and not raw.get("id"):
            event = _fresh_id(event, taken)
            renamed = True
        taken.add(event.id)
        out.append(event)
    if renamed:  # checked again under the ids they are stored with (record_event_warned)
        again = [{**raw, "id": e.id} for e, raw in zip(out, raw_events)]
        return build_events(store, household, again, label)
    return out, version


def record_events(
    store: EventStore,
    household: str,
    raw_events: list[dict],
    recorded_by: str,
    label: str = "record form",
) -> list[StoredEvent]:
    """Validate all, then append all in one ``store.append`` (atomic)."""
    events, version = build_events(store, household, raw_events, label)
    if not events:
        return []
    return store.append(household, version, events, recorded_by)


@dataclass(frozen=True, slots=True)
class FormOutcome:
    """What a form became: its events (recorded, or with ``dry_run`` only validated) and
    notes on the boxes that record nothing."""

    events: list[ev.Event]
    notes: list[str]
    dry_run: bool
    #: the stored events these may duplicate (the same distribution entered by hand, ...)
    warnings: list[str] = field(default_factory=list)


def _record_form(
    store: EventStore,
    household: str,
    raw_events: list[dict],
    notes: list[str],
    recorded_by: str,
    dry_run: bool,
    label: str,
) -> FormOutcome:
    if dry_run:
        events, _ = build_events(store, household, raw_events, label)
    elif raw_events:
        stored = record_events(store, household, raw_events, recorded_by, label)
        events = [s.event for s in stored]
    else:
        events = []
    if not events:
        return FormOutcome(events, notes, dry_run)
    kept = [s.event for s in store.load(household)]
    everything = kept + events if dry_run else kept
    warnings = duplicate_warnings(in_force(everything), only={e.id for e in events})
    return FormOutcome(events, notes, dry_run, warnings)


def record_form_5498(
    store: EventStore,
    household: str,
    person: str,
    tax_year: int,
    recorded_by: str,
    *,
    account: str,
    dry_run: bool = False,
    box1: Decimal | None = None,
    box2: Decimal | None = None,
    box3: Decimal | None = None,
    box5: Decimal | None = None,
    box10: Decimal | None = None,
    box11: bool = False,
    trustee: str | None = None,
    deposit: date | None = None,
    deductible: bool | None = None,
    record_conversion: bool = False,
    conversion_date: date | None = None,
    year_end_total: Decimal | None = None,
    no_year_end: bool = False,
) -> FormOutcome:
    """Record a Form 5498 from its boxes (``account``: the box 7 checkbox, IRA, SEP, SIMPLE
    or ROTH; ``deposit``: the day box 1 / box 10 was deposited)."""
    from ..intake import Facts5498, Form5498, events_from_5498

    known = person_facts(store, household, person)
    form = Form5498(
        tax_year=tax_year,
        account=account.upper(),
        box1_ira_contributions=box1,
        box2_rollover=box2,
        box3_roth_conversion=box3,
        box5_fmv=box5,
        box10_roth_contributions=box10,
        box11_rmd_next_year=box11,
        trustee=trustee,
    )
    facts = Facts5498(
        person=person,
        date=deposit,
        deductible=deductible,
        record_conversion=record_conversion,
        conversion_date=conversion_date,
        year_end_total=year_end_total,
        skip_year_end=no_year_end,
    )
    events, notes = events_from_5498(form, facts)
    prior = known.ira_year_end.get(tax_year)
    if prior is not None and any(e["kind"] == "ira_year_end_value" for e in events):
        notes.append(
            f"an ira_year_end_value for {tax_year} is already recorded ({prior.id}, "
            f"{prior.value}); this one replaces it: use --year-end-total with the sum "
            "of all accounts, or --no-year-end"
        )
    return _record_form(store, household, events, notes, recorded_by, dry_run, "record form-5498")


def record_form_1099r(
    store: EventStore,
    household: str,
    person: str,
    tax_year: int,
    recorded_by: str,
    *,
    box1: Decimal,
    box7: str,
    dry_run: bool = False,
    box2a: Decimal | None = None,
    box2b: bool = False,
    box5: Decimal | None = None,
    box10: Decimal | None = None,
    box11: int | None = None,
    ira_sep_simple: bool = False,
    payer: str | None = None,
    paid_on: date | None = None,
    roth_ira: bool = False,
    converted: bool = False,
    converted_amount: Decimal | None = None,
    received_on: date | None = None,
    plan: str | None = None,
    account_value: Decimal | None = None,
    separate_accounting: bool = True,
    to_roth_ira: Decimal | None = None,
    to_traditional_ira: Decimal | None = None,
    to_cash: Decimal | None = None,
    in_plan: bool = False,
    into_roth_ira: bool = False,
    qualified: bool | None = None,
    exception: str | None = None,
    disaster: bool = False,
    returned_contribution: Decimal | None = None,
    for_tax_year: int | None = None,
    rolled_over: Decimal | None = None,
    target: str | None = None,
    part: Decimal | None = None,
    died_on: date | None = None,
    disabled_on: date | None = None,
) -> FormOutcome:
    """Record a Form 1099-R from its boxes; box 7's codes decide the events (``paid_on``:
    the distribution date, which the form does not print)."""
    from ..intake import Facts1099R, Form1099R, events_from_1099r

    known = person_facts(store, household, person)
    form = Form1099R(
        tax_year=tax_year,
        box1_gross=box1,
        box7_codes=box7,
        box2a_taxable=box2a,
        box2b_not_determined=box2b,
        box5_employee_contributions=box5,
        box10_irr_within_5_years=box10,
        box11_first_year_designated_roth=box11,
        ira_sep_simple=ira_sep_simple,
        payer=payer,
    )
    facts = Facts1099R(
        person=person,
        date=paid_on,
        roth_ira=roth_ira,
        converted=converted,
        converted_amount=converted_amount,
        received_on=received_on,
        plan=plan,
        account_value=account_value,
        separate_accounting=separate_accounting,
        to_roth_ira=to_roth_ira,
        to_traditional_ira=to_traditional_ira,
        to_cash=to_cash,
        in_plan=in_plan,
        into_roth_ira=into_roth_ira,
        qualified=qualified,
        exception=exception,
        disaster=disaster,
        returned_contribution=returned_contribution,
        for_tax_year=for_tax_year,
        rolled_over=rolled_over,
        target=target,
        part=part,
        died_on=died_on,
        disabled_on=disabled_on,
        recorded_died_on=known.died_on,
        recorded_disabled_on=known.disabled_on,
        recorded_roth_contributions=known.roth_contributions,
        recharacterizable=known.recharacterizable,
    )
    events, notes = events_from_1099r(form, known.born, facts)
    return _record_form(store, household, events, notes, recorded_by, dry_run, "record form-1099r")
