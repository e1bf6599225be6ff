"""A household's pages: its people and events by tax year, recording an event or a tax
form, voiding, and per person the basis, the planner and the reports.

Every figure, check and message comes from ``ledger.app``; a refused entry is shown again
with each problem next to its field, and nothing is stored.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote, urlencode

from starlette.responses import HTMLResponse, RedirectResponse

from ..app import charts, entry, history, intake, planning, reporting
from ..app.importing import record_event, void_event
from ..app.session import Tampered
from ..errors import InvalidInput, LedgerError
from . import params
from .forms import TAX_FORMS, parse_tax_form
from .render import page
from .security import Ctx, Refused

YEAR_KINDS = ("withdrawals", "form8606", "form5329", "year")


def _url(household: str, *parts: str, **query) -> str:
    path = "/households/" + "/".join(quote(p, safe="") for p in (household, *parts))
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return path + ("?" + urlencode(query) if query else "")


def _facts(ctx: Ctx, household: str):
    if not ctx.store.version(household):
        return None
    return reporting.load_facts(ctx.store, household)


def overview(ctx: Ctx):
    household = ctx.household(ctx.request.path_params["household"])
    facts = _facts(ctx, household)
    year = params.year(ctx, "tax_year", required=False)
    rows = history.event_history(ctx.store, household) if facts else []
    years = sorted({r["tax_year"] for r in rows if r["tax_year"]}, reverse=True)
    shown = [r for r in rows if year is None or r["tax_year"] == year]
    return page(
        ctx,
        "household.html",
        title=f"Household {household}",
        household=household,
        facts=facts,
        people=sorted(facts.people.values(), key=lambda p: p.id) if facts else [],
        years=years,
        year=year,
        rows=shown,
        report_year=year or (years[0] if years else date.today().year - 1),
        recorded=ctx.query("recorded"),
        kinds=entry.recordable_kinds(),
        url=_url,
    )


def record(ctx: Ctx):
    household = ctx.household(ctx.request.path_params["household"])
    kind = ctx.form.get("kind") or ctx.query("kind")
    kinds = entry.recordable_kinds()
    if kind is not None and kind not in kinds:
        raise Refused(404, f"no event kind {kind!r}")
    values: dict[str, str] = {}
    problems: dict[str, list[str]] = {}
    general: list[str] = []
    fields = entry.entry_fields(kind) if kind else []
    status = 200
    if ctx.request.method == "POST" and kind:
        values = {f.name: ctx.form.get(f.name, "").strip() for f in fields}
        raw: dict[str, object] = {k: v for k, v in values.items() if v}
        try:
            stored = record_event(ctx.store, household, kind, raw, ctx.user.username)
        except InvalidInput as exc:
            _sort_problems(exc.problems, {f.name for f in fields}, problems, general)
            status = 400
        else:
            return RedirectResponse(_url(household, recorded=stored.event.id), status_code=303)
    return page(
        ctx,
        "record.html",
        status=status,
        title=f"Record {kind or 'an event'}",
        household=household,
        kind=kind,
        kinds=kinds,
        fields=fields,
        values=values,
        problems=problems,
        general=general,
        url=_url,
    )


def _sort_problems(found, names: set[str], problems: dict, general: list, alias=None) -> None:
    for p in found:
        name = (p.field or "").replace(" ", "")
        name = (alias or {}).get(name, name)
        if name in names:
            problems.setdefault(name, []).append(p.message)
        else:
            general.append(str(p) if p.field else p.message)


def tax_form(ctx: Ctx):
    household = ctx.household(ctx.request.path_params["household"])
    form = TAX_FORMS.get(ctx.request.path_params["form"])
    if form is None:
        raise Refused(404, "not found")
    facts = _facts(ctx, household)
    values: dict[str, str] = {}
    problems: dict[str, list[str]] = {}
    general: list[str] = []
    outcome = None
    status = 200
    if ctx.request.method == "POST":
        values = {b.name: ctx.form.get(b.name, "").strip() for b in form.boxes}
        preview = ctx.form.get("action") == "preview"
        kwargs, bad = parse_tax_form(form, ctx.form)
        problems.update(bad)
        if not problems:
            record_form = getattr(intake, form.function)
            try:
                outcome = record_form(
                    ctx.store, household, recorded_by=ctx.user.username, dry_run=preview, **kwargs
                )
            except InvalidInput as exc:
                names = {b.name for b in form.boxes}
                _sort_problems(exc.problems, names, problems, general, form.aliases)
            except Tampered:
                raise
            except LedgerError as exc:
                general.append(str(exc))
        if problems or general:
            status = 400
        elif not preview:
            recorded = outcome.events[0].id if outcome and outcome.events else ""
            return RedirectResponse(_url(household, recorded=recorded), status_code=303)
    return page(
        ctx,
        "tax_form.html",
        status=status,
        title=form.title,
        household=household,
        form=form,
        people=sorted(facts.people) if facts else [],
        values=values,
        problems=problems,
        general=general,
        outcome=outcome,
        url=_url,
    )


def void(ctx: Ctx):
    household = ctx.household(ctx.request.path_params["household"])
    event_id = ctx.request.path_params["event_id"]
    try:
        void_event(ctx.store, event_id, ctx.form.get("reason", ""), ctx.user.username, household)
    except Tampered:
        raise  # the household's own page for it (security.view)
    except LedgerError as exc:
        return page(
            ctx,
            "error.html",
            status=400,
            title="Not voided",
            message=str(exc),
            back=_url(household),
        )
    return RedirectResponse(_url(household, recorded=event_id), status_code=303)


def _person(ctx: Ctx):
    household = ctx.household(ctx.request.path_params["household"])
    person = ctx.request.path_params["person"]
    facts = _facts(ctx, household)
    if facts is None or person not in facts.people:
        raise Refused(404, "not found")
    return household, person, facts


def basis(ctx: Ctx):
    household, person, facts = _person(ctx)
    policy = params.policy(ctx)
    as_of = params.day(ctx, "as_of") or date.today()
    year = params.year(ctx, "tax_year", required=False) or as_of.year
    report = reporting.run_report(ctx.store, "basis", household, person, policy, as_of=as_of)
    chart = charts.basis_chart(ctx.store, household, person, policy, year)
    return page(
        ctx,
        "basis.html",
        title=f"Basis of {person}",
        household=household,
        person=person,
        report=report,
        chart=chart,
        as_of=as_of,
        year=year,
        url=_url,
    )


def plan(ctx: Ctx):
    household, person, facts = _person(ctx)
    policy = params.policy(ctx)
    on = params.day(ctx, "date")
    amount = ctx.query("amount")
    exception = ctx.query("exception")
    result = error = None
    if on is not None:
        try:
            result = planning.withdrawal_plan(
                ctx.store, household, person, on, policy, amount, exception
            )
        except Tampered:
            raise
        except LedgerError as exc:
            error = str(exc)
    return page(
        ctx,
        "plan.html",
        status=400 if error else 200,
        title=f"Plan a withdrawal for {person}",
        household=household,
        person=person,
        on=on,
        amount=amount or "",
        exception=exception or "",
        result=result,
        error=error,
        url=_url,
    )


def report(ctx: Ctx):
    household, person, facts = _person(ctx)
    kind = ctx.request.path_params["kind"]
    printable = kind == "withdrawals.html"
    if printable:
        kind = "withdrawals"
    if kind not in YEAR_KINDS:
        raise Refused(404, "not found")
    policy = params.policy(ctx)
    year = params.tax_year(ctx)
    known_on = params.day(ctx, "as_known_on")
    if printable:
        text = reporting.report_text(
            ctx.store, kind, household, person, policy, "html", tax_year=year, known_on=known_on
        )
        return HTMLResponse(text)
    explain = ctx.query("explain") in ("1", "on", "true", "yes")
    result = reporting.run_report(
        ctx.store,
        kind,
        household,
        person,
        policy,
        tax_year=year,
        known_on=known_on,
        explain=explain,
    )
    table = reporting.report_text(
        ctx.store, kind, household, person, policy, "table", tax_year=year, known_on=known_on
    )
    return page(
        ctx,
        "report.html",
        title=f"{kind} {year} {person}",
        household=household,
        person=person,
        kind=kind,
        year=year,
        report=result,
        table=table,
        explain=explain,
        policy=policy,
        url=_url,
    )
