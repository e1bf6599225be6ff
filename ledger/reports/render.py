"""Render report dicts as JSON, CSV or an 80-column table with the forms' line numbers."""

from __future__ import annotations

import io
import json
from decimal import Decimal, InvalidOperation

from .. import csvcells

LINE_LABELS_8606 = {
    "1": "Nondeductible contributions for the year",
    "2": "Total basis from prior years",
    "3": "Add lines 1 and 2",
    "4": "Contributions made Jan 1 - Apr 15 next year",
    "5": "Line 3 minus line 4",
    "6": "Value of all trad/SEP/SIMPLE IRAs Dec 31",
    "7": "Distributions (not converted/rolled over)",
    "8": "Net amount converted to Roth IRAs",
    "9": "Add lines 6, 7 and 8",
    "10": "Line 5 / line 9 (nontaxable ratio)",
    "11": "Nontaxable part of conversions",
    "12": "Nontaxable part of distributions",
    "13": "Add lines 11 and 12",
    "14": "Basis carried forward",
    "15a": "Line 7 minus line 12",
    "15b": "Qualified disaster part of 15a",
    "15c": "Taxable distributions",
    "16": "Amount converted",
    "17": "Basis in the amount converted",
    "18": "Taxable amount of conversions",
    "19": "Nonqualified Roth IRA distributions",
    "20": "Qualified first-time homebuyer expenses",
    "21": "Line 19 minus line 20",
    "22": "Basis in regular Roth contributions",
    "23": "Line 21 minus line 22",
    "24": "Basis in conversions and plan rollovers",
    "25a": "Line 23 minus line 24 (earnings)",
    "25b": "Qualified disaster part of 25a",
    "25c": "Taxable amount",
}
LINE_LABELS_5329 = {
    "1": "Early distributions includible (+ recapture)",
    "2": "Part of line 1 excepted",
    "3": "Amount subject to additional tax",
    "4": "Additional tax (10% of line 3)",
    "9": "Traditional excess from prior year (line 16)",
    "10": "Unused limit this year",
    "11": "Traditional distributions in income",
    "12": "Prior-year excess distributed, not income",
    "13": "Add lines 10, 11 and 12",
    "14": "Prior-year excess left (9 minus 13)",
    "15": "Excess traditional contributions this year",
    "16": "Total traditional excess",
    "17": "Additional tax (6% of 16 or Dec 31 value)",
    "18": "Roth excess from prior year (line 24)",
    "19": "Unused Roth limit this year",
    "20": "Roth IRA distributions this year",
    "21": "Add lines 19 and 20",
    "22": "Prior-year excess left (18 minus 21)",
    "23": "Excess Roth contributions this year",
    "24": "Total Roth excess",
    "25": "Additional tax (6% of 24 or Dec 31 value)",
}
EXCESS_TITLES = (
    ("part3", "Part III - Excess contributions to traditional IRAs"),
    ("part4", "Part IV - Excess contributions to Roth IRAs"),
)


def _excess_lines(parts: dict) -> list[str]:
    out: list[str] = []
    for key, title in EXCESS_TITLES:
        if key in parts:
            out += _lines(title, parts[key], LINE_LABELS_5329)
    return out


def to_json(report: dict) -> str:
    return json.dumps(report, indent=2, default=_default) + "\n"


def _default(o):
    if isinstance(o, Decimal):
        return str(o)
    return str(o)


def _flatten(prefix: str, value, rows: list, skip: str | None = None) -> None:
    """(column, cell) pairs of ``value``: nested keys joined with ``.``, a list of plain
    values in one cell (``; ``), a list of records numbered (``exceptions[0].kind``);
    the list ``skip`` (a table's rows) is left out."""
    if isinstance(value, dict):
        for k, v in value.items():
            key = f"{prefix}.{k}" if prefix else str(k)
            if key != skip:
                _flatten(key, v, rows, skip)
    elif isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            rows.append((prefix, "; ".join("" if v is None else str(v) for v in value)))
            return
        for i, v in enumerate(value):
            _flatten(f"{prefix}[{i}]", v, rows, skip)
    else:
        rows.append((prefix, "" if value is None else value))


def _record(prefix: str, value) -> list[tuple[str, object]]:
    cells: list[tuple[str, object]] = []
    _flatten(prefix, value, cells)
    return cells


def csv_rows(report: dict, rows_key: str | None = None) -> tuple[list[str], list[list]]:
    """A report as one table: a header row and rows. With ``rows_key`` (the report's
    list of records: a withdrawals report's draws, a basis report's layers) one row per
    record, its fields under ``NAME.field`` beside the report's own figures, which every
    row repeats; without, one row. Every figure of the JSON is in it once per row.
    A withdrawals report's row is one draw with its distribution's fields
    (``distribution.*``, ``draw.*``); a distribution without draws has a row of its own."""
    rows_of = _ROW_LISTS.get(rows_key or "", ())
    base = _record("", {k: v for k, v in report.items() if k not in rows_of})
    records: list[list[tuple[str, object]]]
    if rows_key == "draws":
        records = []
        for d in report.get("distributions") or []:
            draws = [x for x in report.get("draws") or [] if x.get("distribution") == d["id"]]
            head = _record("distribution", d)
            records += [head + _record("draw", x) for x in draws] or [head]
    elif rows_key is not None:
        name = _ROW_NAMES.get(rows_key, rows_key)
        records = [_record(name, x) for x in report.get(rows_key) or []]
    else:
        records = []
    columns = [c for c, _ in base if not c.startswith("ledger_state.")]
    for record in records:
        columns += [c for c, _ in record if c not in columns]
    columns += [c for c, _ in base if c.startswith("ledger_state.")]  # last, as in a table
    base_cells = dict(base)
    rows = []
    for record in records or [[]]:
        cells = {**base_cells, **dict(record)}
        rows.append([cells.get(c, "") for c in columns])
    return columns, rows


#: the lists a table's rows come from (left out of the columns every row repeats)
_ROW_LISTS = {"draws": ("distributions", "draws"), "conversion_layers": ("conversion_layers",)}
#: the column prefix of a row's fields
_ROW_NAMES = {"conversion_layers": "layer", "layers": "layer", "roth_layers_added": "layer"}


def to_csv(report: dict, rows_key: str | None = None) -> str:
    """The report as a CSV table: a header row, then its rows (:func:`csv_rows`)."""
    buf = io.StringIO()
    w = csvcells.writer(buf)
    columns, rows = csv_rows(report, rows_key)
    w.writerow(columns)
    w.writerows(rows)
    return buf.getvalue()


def _m(v) -> str:
    if v is None or v == "":
        return ""
    try:
        return f"{Decimal(v):,.2f}"
    except (InvalidOperation, TypeError, ValueError):  # not an amount: shown as it is
        return str(v)


def _title(report: dict, name: str) -> list[str]:
    when = (
        f"tax year {report['tax_year']}" if "tax_year" in report else f"as of {report.get('as_of')}"
    )
    pol = report.get("policy", {})
    return [
        f"{name} - household {report['household']}, person {report['person']}, {when}",
        f"policy: ratio_precision={pol.get('ratio_precision')}, irr_recapture={pol.get('irr_recapture')}"
        + (", whole dollars" if pol.get("whole_dollars") else ""),
        "",
    ]


def _lines(title: str, lines: dict, labels: dict) -> list[str]:
    out = [title]
    for k, v in lines.items():
        val = v if k == "10" else _m(v)
        out.append(f"  {k:>4}  {labels.get(k, ''):<45} {val:>16}")
    out.append("")
    return out


def _warnings(report: dict) -> list[str]:
    ws = report.get("warnings") or []
    return (["Warnings:"] + [f"  - {w}" for w in ws]) if ws else []


#: a space inside one event's entry: textwrap does not break there (not ASCII whitespace)
KEEP = "\x00"
#: the narrowest an explanation is wrapped to (a very narrow terminal still gets words)
MIN_WIDTH = 40


def explanation(report: dict, width: int = 80) -> str:
    """``--explain`` as the table's last section, each entry wrapped at ``width`` columns
    (the terminal's, given by the command line); ids, rules' citations and dates are
    never broken (no hyphen or long-word breaks)."""
    if not report.get("explain"):
        return ""
    import textwrap

    width = max(MIN_WIDTH, width)

    def wrap(text: str, first: str, rest: str) -> list[str]:
        lines = textwrap.wrap(
            text,
            width=width,
            initial_indent=first,
            subsequent_indent=rest,
            break_long_words=False,
            break_on_hyphens=False,
        )
        return [line.replace(KEEP, " ") for line in lines]

    out = ["", "Explanation (figure = value: rule; events):"]
    for e in report["explain"]:
        evs = ", ".join(  # one event is never split over two lines
            (
                f"{x['id']} {x['kind']} {x.get('date', '')}".rstrip()
                + (f" [{x['source']}]" if x.get("source") else "")
            ).replace(" ", KEEP)
            for x in e["events"]
        )
        out += wrap(f"{e['figure']} = {e['value']}: {e['rule']}", "  ", "      ")
        if evs:
            out += wrap(f"events: {evs}", "      ", "        ")
    return "\n".join(out) + "\n"


def table_withdrawals(r: dict) -> str:
    out = _title(r, "Roth IRA withdrawals") + _withdrawal_lines(r)
    for b in r.get("inherited", []):
        out += ["", f"Inherited Roth IRA of {b['decedent']} (kept apart, Reg. 1.408A-6 A-11)"]
        out += _withdrawal_lines(b) + [f"  ! {w}" for w in b.get("warnings", [])]
    every = r.get("total_with_inherited")
    if every:  # the first totals are the own Roth IRAs': say so, and the sum of all
        at = out.index(_totals(r))
        out[at] += "    (own Roth IRAs only)"
        out += [
            "",
            f"Own and inherited Roth IRAs: taxable amount {_m(every['taxable_amount'])}    "
            f"additional tax {_m(every['additional_tax'])}",
        ]
    return "\n".join(out + _warnings(r)) + "\n"


def _totals(r: dict) -> str:
    """An account's closing line (the person's own Roth IRAs, or an inherited one)."""
    return f"Taxable amount: {_m(r['taxable_amount'])}    Additional tax: {_m(r['additional_tax'])}"


def _withdrawal_lines(r: dict) -> list[str]:
    out: list[str] = []
    q = r.get("qualified")
    out.append(f"Qualified distribution(s): {'yes' if q else 'no' if q is not None else '-'}")
    out.append("")
    if r["distributions"]:
        iw = max([2] + [len(d["id"]) for d in r["distributions"]])  # ids whole: void needs them
        xw = max([9] + [len(d["exception"] or "-") for d in r["distributions"]])
        out.append(
            f"  {'id':<{iw}} {'date':<10} {'amount':>12} {'exception':<{xw}} {'qual':<4} "
            f"{'taxable':>10} {'10% tax':>10}"
        )
        for d in r["distributions"]:
            out.append(
                f"  {d['id']:<{iw}} {d['date']:<10} {_m(d['amount']):>12} "
                f"{d['exception'] or '-':<{xw}} {'yes' if d['qualified'] else 'no':<4} "
                f"{_m(d['taxable_amount']):>10} {_m(d['additional_tax']):>10}"
            )
        for d in r["distributions"]:
            if "rolled_over" in d:
                out.append(
                    f"  {d['id']}: {_m(d['rolled_over'])} more was rolled over within 60 days "
                    "(not a distribution)"
                )
        out.append("")
        out.append("Where each dollar came from (Reg. 1.408A-6 A-8 ordering):")
        out.append(
            f"  {'source':<25} {'year':>4} {'portion':<10} {'clock':>5} {'amount':>12} {'subj. to 10%':>12}"
        )
        for d in r["draws"]:
            out.append(
                f"  {d['source']:<25} {d['year'] or '':>4} {d['portion'] or '':<10} {d['clock_year'] or '':>5} "
                f"{_m(d['amount']):>12} {_m(d['subject_to_additional_tax']):>12}"
            )
        out.append("")
    if r.get("form8606"):
        out += _lines("Form 8606 Part III", r["form8606"], LINE_LABELS_8606)
    if r.get("form5329"):
        out += _lines("Form 5329 Part I", r["form5329"], LINE_LABELS_5329)
    for e in r.get("exceptions") or []:
        out.append(
            f"  exception {e['kind']} (line 2 code {e['code'] or 'check instructions'}): {_m(e['amount'])}"
        )
    out.append(_totals(r))
    return out


def table_form8606(r: dict) -> str:
    out = _title(r, "Form 8606")
    for part, title in (
        ("part1", "Part I - Nondeductible contributions to traditional IRAs"),
        ("part2", "Part II - Conversions to Roth IRAs"),
        ("part3", "Part III - Distributions from Roth IRAs"),
    ):
        if part in r:
            out += _lines(title, r[part], LINE_LABELS_8606)
    for b in r.get("inherited", []):
        title = f"Part III - Distributions from the Roth IRA inherited from {b['decedent']}"
        out += _lines(title + " (a separate Part III)", b["part3"], LINE_LABELS_8606)
    return "\n".join(out + _warnings(r)) + "\n"


def table_form5329(r: dict) -> str:
    out = _title(r, "Form 5329")
    if r.get("part1"):
        out += _lines(
            "Part I - Additional tax on early distributions", r["part1"], LINE_LABELS_5329
        )
    else:
        out.append("No early Roth IRA distributions: Part I not required.")
    for e in r.get("exceptions") or []:
        out.append(
            f"  line 2 exception {e['kind']} (code {e['code'] or 'check instructions'}): {_m(e['amount'])}"
        )
    out += _excess_lines(r)
    return "\n".join(out + _warnings(r)) + "\n"


def table_year(r: dict) -> str:
    out = _title(r, "Year summary")
    out.append("Taxable income")
    for k, v in r["taxable_income"].items():
        out.append(f"  {k.replace('_', ' '):<40} {_m(v):>16}")
    for b in r.get("inherited_roth_distributions", []):
        out.append(
            f"  (of which from the Roth IRA inherited from {b['decedent']}: distributed "
            f"{_m(b['total'])}, taxable {_m(b['taxable_amount'])})"
        )
    out.append("")
    for p in r["plan_distributions"]:
        out.append(f"Plan distribution {p['id']} ({p['plan']}, {p['date']}): {_m(p['amount'])}")
        out.append(f"  after-tax {_m(p['after_tax'])}, pretax {_m(p['pretax'])}")
        out.append(
            f"  to Roth IRA: taxable {_m(p['to_roth_ira']['taxable'])}, nontaxable {_m(p['to_roth_ira']['nontaxable'])}"
        )
        out.append(
            f"  to trad. IRA: pretax {_m(p['to_traditional_ira']['pretax'])}, after-tax {_m(p['to_traditional_ira']['after_tax'])}"
        )
        out.append(
            f"  cash: taxable {_m(p['to_cash']['taxable'])}, nontaxable {_m(p['to_cash']['nontaxable'])}"
        )
    for i in r["in_plan_roth_rollovers"]:
        out.append(f"In-plan Roth rollover {i['id']} ({i['plan']}, {i['date']}): {_m(i['amount'])}")
        out.append(
            f"  taxable {_m(i['taxable'])}, nontaxable {_m(i['nontaxable'])}, "
            f"10% clock ends {i['clock_ends']}"
        )
    for d in r.get("designated_roth_rollovers", []):
        out.append(f"Roth 401(k) rollover {d['id']} ({d['plan']}, {d['date']}): {_m(d['amount'])}")
        out.append(f"  basis {_m(d['basis'])}, earnings {_m(d['earnings'])}")
    for d in r.get("rollovers", []):
        out.append(f"Rollover {d['id']} ({d['kind']}, {d['date']}): {_m(d['amount'])}")
        out.append(
            f"  rolled over within 60 days {_m(d['rolled_over'])}, distributed "
            f"{_m(d['distributed'])}"
        )
    if r["roth_layers_added"]:
        if out[-1] != "":
            out.append("")
        out.append(
            f"Roth IRA layers added   {'taxable':>12} {'nontaxable':>12}  10% clock ends  events"
        )
        for la in r["roth_layers_added"]:
            out.append(
                f"  {la['source']:<14} {la['year']}  {_m(la['taxable']):>12} "
                f"{_m(la['nontaxable']):>12}  {la['clock_ends']:<14}  "
                + ", ".join(la.get("events") or [])
            )
    if out[-1] != "":
        out.append("")
    for part in ("part1", "part2"):
        if part in r.get("form8606", {}):
            out += _lines(
                f"Form 8606 {part.replace('part', 'Part ')}", r["form8606"][part], LINE_LABELS_8606
            )
    rd = r.get("roth_distributions")
    if rd:  # the year's Roth IRA distributions (report withdrawals has each one)
        out.append("Roth IRA distributions (Form 8606 Part III, Form 5329 Part I)")
        out.append(f"  {'total distributed':<40} {_m(rd['total']):>16}")
        out.append(f"  {'taxable amount (8606 line 25c)':<40} {_m(rd['taxable_amount']):>16}")
        out.append(f"  {'additional tax (5329 line 4)':<40} {_m(rd['additional_tax']):>16}")
        out.append("")
    out += _excess_lines(r.get("form5329", {}))
    out.append(
        f"Excess contributions tax (5329 lines 17 + 25): {_m(r.get('excess_contributions_tax'))}"
    )
    return "\n".join(out + _warnings(r)) + "\n"


def table_basis(r: dict) -> str:
    out = _title(r, "Basis carried forward")
    out.append(f"  {'regular contributions':<40} {_m(r['regular_contribution_basis']):>16}")
    for year, amount in (r.get("regular_contributions_by_year") or {}).items():
        out.append(f"    {'for ' + year:<38} {_m(amount):>16}")
    out.append(
        f"  {'designated Roth rollover basis':<40} {_m(r['designated_roth_rollover_basis']):>16}"
    )
    out.append(f"  {'traditional IRA basis (8606 line 14)':<40} {_m(r['ira_basis']):>16}")
    out.append("")
    if r["conversion_layers"]:
        out.append(
            f"  {'layer':<14} {'year':>4} {'taxable':>12} {'nontaxable':>12}  "
            "10% clock ends  events"
        )
        for la in r["conversion_layers"]:
            out.append(
                f"  {la['source']:<14} {la['year']:>4} {_m(la['taxable']):>12} "
                f"{_m(la['nontaxable']):>12}  {la['clock_ends']:<14}  "
                + ", ".join(la.get("events") or [])
            )
        out.append("")
    for pid, p in r["plans"].items():
        out.append(
            f"  plan {pid}: after-tax basis {_m(p['after_tax_basis'])}, designated Roth basis {_m(p['designated_roth_basis'])}"
        )
    out.append(
        f"Qualified clock starts: {r['qualified_clock_starts'] or '-'} (qualified from {r.get('qualified_from') or '-'})"
    )
    out.append(f"Age 59 1/2 on: {r['age_59_and_a_half_on']}")
    for b in r.get("inherited", []):
        out.append("")
        out.append(f"Inherited Roth IRA of {b['decedent']} (kept apart)")
        out.append(f"  {'regular contributions':<40} {_m(b['regular_contribution_basis']):>16}")
        for la in b["conversion_layers"]:
            out.append(
                f"  {la['source']:<14} {la['year']:>4} {_m(la['taxable']):>12} "
                f"{_m(la['nontaxable']):>12}  {la.get('clock_ends') or '':<14}  "
                + ", ".join(la.get("events") or [])
            )
        out.append(
            f"  qualified clock starts: {b['qualified_clock_starts'] or '-'} (qualified from "
            f"{b.get('qualified_from') or '-'})"
        )
    return "\n".join(out + _warnings(r)) + "\n"


TABLES = {
    "withdrawals": table_withdrawals,
    "form8606": table_form8606,
    "form5329": table_form5329,
    "year": table_year,
    "basis": table_basis,
}
#: each report's CSV rows (:func:`csv_rows`); the others are one row
CSV_ROWS: dict[str, str] = {"withdrawals": "draws", "basis": "conversion_layers"}


def state_footer(report: dict) -> str:
    """The ledger state a table was computed from (``ledger_state``), as its last lines:
    what a preparer keeps with the return to reproduce the report."""
    state = report.get("ledger_state")
    if not state:
        return ""
    known = state["as_known_on"]
    out = [
        "",
        f"Ledger as known on {known}"
        + ("" if known == "now" else " (events recorded by the end of that day, UTC)")
        + f"; generated {state['generated_at']}",
    ]
    for head in state["heads"]:
        out.append(f"  household {head['household']} at version {head['version']}, hash")
        out.append(f"    {head['hash']}")
    return "\n".join(out) + "\n"


def render(kind: str, report: dict, fmt: str, width: int = 80) -> str:
    """The report as ``fmt``; a table's explanation wrapped at ``width`` columns."""
    if fmt == "json":
        return to_json(report)
    if fmt == "csv":
        return to_csv(report, CSV_ROWS.get(kind))
    return TABLES[kind](report) + explanation(report, width) + state_footer(report)
