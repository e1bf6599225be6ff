"""Report use cases: load a household from the store (as known on a date), fold it, build
the report. The only place reports meet the store.

:func:`run_report` gives a report as data (SPEC section 6); :func:`report_text` renders it
as a command prints it (table, JSON, CSV, or the printable HTML page of a withdrawals
report); :func:`batch_report` streams every client's rows for a tax year.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from ..errors import NotFound
from ..projections.facts import HouseholdFacts, fold
from ..reports import build
from ..rules.policy import Policy
from ..store.api import EventStore, Tampered

REPORT_KINDS = ("withdrawals", "form8606", "form5329", "year", "basis")


def load_facts(store: EventStore, household: str, known_on: date | None = None) -> HouseholdFacts:
    return load_facts_and_state(store, household, known_on)[0]


def ledger_state(
    heads: dict[str, tuple[int, str]], known_on: date | None, now: datetime | None = None
) -> dict[str, Any]:
    """What a report was computed from (JSON key ``ledger_state``): the ``--as-known-on``
    date used (``"now"`` without one), each household's head version and hash, and when
    the report was made (UTC). With these a filed report can be reproduced and checked
    later (``--as-known-on`` and ``roth-ledger verify``)."""
    at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return {
        "as_known_on": known_on.isoformat() if known_on is not None else "now",
        "heads": [
            {"household": h, "version": v, "hash": hash_} for h, (v, hash_) in sorted(heads.items())
        ],
        "generated_at": at.isoformat().replace("+00:00", "Z"),
    }


def load_facts_and_state(
    store: EventStore, household: str, known_on: date | None = None
) -> tuple[HouseholdFacts, dict[str, Any]]:
    """The household's facts and the :func:`ledger_state` they were read at, after its own
    hash chain is checked on the rows read (one read, one snapshot: the head is the event
    the read ended on): a broken chain or an unreadable row refuses with exit 6 and the
    event, never a figure from a changed ledger."""
    checked = store.load_checked(household, known_on)
    if checked.problem is not None:
        raise Tampered(
            f"{checked.problem}; no figure is given from a changed ledger (run roth-ledger verify)"
        )
    if checked.head is None:
        known = store.households()
        if known_on and household in known:  # not listed as missing beside itself
            raise NotFound(
                f"no household {household!r} in the ledger as known on {known_on}: its "
                "events were recorded after that day (give a later --as-known-on)"
            )
        hint = (
            f" (households: {', '.join(known[:10])}{'...' if len(known) > 10 else ''})"
            if known
            else ""
        )
        when = f" as known on {known_on}" if known_on else ""
        raise NotFound(f"no household {household!r} in the ledger{when}{hint}")
    heads = {household: checked.head}
    return fold(household, checked.events), ledger_state(heads, known_on)


def run_report(
    store: EventStore,
    kind: str,
    household: str,
    person: str,
    policy: Policy,
    tax_year: int | None = None,
    as_of: date | None = None,
    known_on: date | None = None,
    explain: bool = False,
) -> dict[str, Any]:
    """One report of ``kind`` (:data:`REPORT_KINDS`) for a person, as data; ``tax_year``
    for every kind but ``basis``, which is as of ``as_of`` (default today)."""
    facts, state = load_facts_and_state(store, household, known_on)
    ledger = None
    if kind == "basis":
        report = build.basis_report(facts, person, as_of or date.today(), policy)
    else:
        if tax_year is None:
            raise ValueError(f"the {kind} report is of one tax year: give tax_year")
        ledger = build.ledger_for(facts, person, tax_year, policy)
        report = _BUILDERS[kind](facts, person, tax_year, policy, ledger)
    if known_on is not None:
        report["as_known_on"] = known_on.isoformat()
    report["ledger_state"] = state
    if explain:
        from ..reports.explain import explain as trace

        report["explain"] = trace(kind, report, facts, person, ledger)
    return report


_BUILDERS = {
    "withdrawals": build.withdrawals_report,
    "form8606": build.form8606_report,
    "form5329": build.form5329_report,
    "year": build.year_report,
}


def report_text(
    store: EventStore,
    kind: str,
    household: str,
    person: str,
    policy: Policy,
    fmt: str = "table",
    tax_year: int | None = None,
    as_of: date | None = None,
    known_on: date | None = None,
    explain: bool = False,
    width: int = 80,
) -> str:
    """The report rendered as ``fmt``: ``table`` (its explanation wrapped at ``width``
    columns), ``json``, ``csv``, or (withdrawals only) ``html``, a printable page whose
    chart also shows the basis before and after the year."""
    from ..reports.render import render

    report = run_report(store, kind, household, person, policy, tax_year, as_of, known_on, explain)
    if fmt != "html":
        return render(kind, report, fmt, width)
    if kind != "withdrawals" or tax_year is None:
        raise ValueError("the html page is a withdrawals report of one tax year")
    from ..reports.html import withdrawals_html

    before, after = (
        run_report(
            store, "basis", household, person, policy, known_on=known_on, as_of=date(y, 12, 31)
        )
        for y in (tax_year - 1, tax_year)
    )
    return withdrawals_html(report, before, after)


def batch_report(
    store: EventStore,
    tax_year: int,
    policy: Policy,
    known_on: date | None = None,
    jobs: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """One row (:data:`ledger.app.batch.COLUMNS`) per person with Roth activity in the
    tax year, household by household, streamed; ``jobs`` processes (0: one per core on a
    large ledger, else 1). ``progress(done, total)``, if given, is called as households
    are done (``total``: the households in the ledger; the command line draws a bar)."""
    from bisect import bisect_left

    from .batch import auto_jobs, batch_rows

    heads = store.heads(None, known_on)  # before the scan: one grouped query
    stamp = ledger_state({}, known_on)
    order = sorted(heads) if progress is not None else []
    done = 0
    for row in batch_rows(store, tax_year, policy, known_on, jobs or auto_jobs(store)):
        household = row["household"]
        if progress is not None:  # households come in id order: those up to this one
            done = max(done, bisect_left(order, household))
            progress(done, len(order))
        head = heads.get(household)
        if head is None or head[0] != row["ledger_version"]:  # written to since
            head = store.heads([household], known_on).get(household, head)
            if head is not None:
                heads[household] = head
        row["ledger_hash"] = head[1] if head and head[0] == row["ledger_version"] else ""
        row["as_known_on"] = stamp["as_known_on"]
        row["generated_at"] = stamp["generated_at"]
        yield row
    if progress is not None:
        progress(len(order), len(order))
