"""The withdrawal report as one self-contained, printable HTML page.

A pure function of report dicts: the ``withdrawals`` report of a tax year and the
``basis`` reports as of Dec 31 of the year before and of the year. It draws no figure of
its own: every money string is the JSON report's, given thousands separators; the chart's
per-layer totals are exact sums in integer cents of those strings. Inline CSS and an
inline SVG chart, no script, no external resource; laid out for US letter paper. Key
figures carry stable attributes (``data-line="8606-25c"``, ``id="additional-tax"``...)
so a test can read them back from the rendered page.
"""

from __future__ import annotations

from datetime import date
from html import escape

from .render import LINE_LABELS_5329, LINE_LABELS_8606

DASH = "\u2014"

SOURCE_NAMES = {
    "regular_contributions": "Regular contributions",
    "designated_roth_rollover": "Designated Roth rollover",
    "conversion": "Conversion",
    "plan_rollover": "Plan rollover",
    "earnings": "Earnings",
}

CSS = """
@page { size: letter; margin: 0.6in; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 10pt/1.35 "Helvetica Neue", Helvetica, Arial, sans-serif; color: #000;
       background: #fff; margin: 0 auto; max-width: 7.3in; padding: 0.25in 0; }
@media print { body { padding: 0; max-width: none; } }
h1 { font-size: 16pt; margin: 0 0 2pt; }
h2 { font-size: 11pt; margin: 14pt 0 4pt; padding-bottom: 2pt; border-bottom: 1.5pt solid #000;
     break-after: avoid; page-break-after: avoid; }
.sub { color: #333; margin: 0; font-size: 9pt; }
.summary { display: flex; gap: 10pt; margin: 10pt 0 2pt; }
.summary > div { flex: 1; border: 1pt solid #000; padding: 5pt 8pt; }
.summary .k { font-size: 8pt; text-transform: uppercase; letter-spacing: .04em; color: #333; }
.summary .v { font-size: 14pt; font-weight: bold; font-variant-numeric: tabular-nums; }
table { width: 100%; border-collapse: collapse; break-inside: avoid; page-break-inside: avoid;
        font-variant-numeric: tabular-nums; }
th, td { padding: 2.5pt 5pt; text-align: left; vertical-align: top; border-bottom: .5pt solid #999; }
th { font-size: 8pt; text-transform: uppercase; letter-spacing: .03em; border-bottom: 1pt solid #000;
     background: #eee; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.ln { width: 3.2em; font-weight: bold; }
tr.total td { font-weight: bold; border-top: 1pt solid #000; }
.note { font-size: 7.5pt; color: #444; }
.forms { display: flex; gap: 12pt; }
.forms > section { flex: 1; }
figure { margin: 0; break-inside: avoid; page-break-inside: avoid; }
svg { width: 100%; height: auto; display: block; }
svg text { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; fill: #000; }
ul.warnings { margin: 0; padding-left: 14pt; }
code.head-hash { word-break: break-all; }
footer { margin-top: 14pt; font-size: 7.5pt; color: #444; border-top: .5pt solid #999; padding-top: 3pt; }
"""


def money(value) -> str:
    """ "48000.00" -> "48,000.00", exactly (string handling, no arithmetic)."""
    if value is None or value == "":
        return DASH
    s = str(value)
    sign, s = ("-", s[1:]) if s.startswith("-") else ("", s)
    whole, dot, frac = s.partition(".")
    if not whole.isdigit():
        return escape(str(value))
    return f"{sign}{int(whole):,}{dot}{frac}"


def cents(value) -> int:
    """ "1234.56" -> 123456: exact integer cents, for sums and bar lengths only."""
    if not value:
        return 0
    s = str(value)
    sign = -1 if s.startswith("-") else 1
    whole, _, frac = s.lstrip("-").partition(".")
    return sign * (int(whole or 0) * 100 + int((frac + "00")[:2]))


def from_cents(n: int) -> str:
    sign = "-" if n < 0 else ""
    return f"{sign}{abs(n) // 100}.{abs(n) % 100:02d}"


def _e(v) -> str:
    return "" if v is None else escape(str(v))


def _source(d: dict) -> str:
    source = str(d.get("source"))
    return SOURCE_NAMES.get(source, source)


# ---- tables -----------------------------------------------------------------------------


def _distributions(r: dict) -> str:
    rows = []
    for d in r.get("distributions", []):
        exc = d.get("exception") or DASH
        if d.get("exception_code"):
            exc = f"{exc} (code {d['exception_code']})"
        qual = "yes" if d.get("qualified") else "no"
        rows.append(
            f'<tr data-distribution="{_e(d.get("id"))}"><td>{_e(d.get("id"))}</td><td>{_e(d.get("date"))}</td>'
            f'<td class="num" data-field="amount">{money(d.get("amount"))}</td><td>{_e(exc)}</td>'
            f'<td>{qual}<div class="note">{_e(d.get("qualified_reason"))}</div></td>'
            f'<td class="num" data-field="taxable_amount">{money(d.get("taxable_amount"))}</td>'
            f'<td class="num" data-field="additional_tax">{money(d.get("additional_tax"))}</td></tr>'
        )
    if not rows:
        return "<p>No Roth IRA distributions recorded for this year.</p>"
    return (
        '<table id="distributions"><thead><tr><th>Event</th><th>Date</th><th class="num">Amount</th>'
        '<th>Exception</th><th>Qualified</th><th class="num">Taxable</th><th class="num">10% tax</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _draws(r: dict) -> str:
    rows = []
    for i, d in enumerate(r.get("draws", [])):
        events = ", ".join(str(e) for e in d.get("events") or [])
        note = " \u00b7 ".join(
            x for x in (f"events {events}" if events else "", str(d.get("rule") or "")) if x
        )
        rows.append(
            f'<tr data-draw="{i}"><td>{_e(_source(d))}<div class="note">{_e(note)}</div></td>'
            f"<td>{_e(d.get('year'))}</td><td>{_e(d.get('portion') or DASH)}</td>"
            f"<td>{_e(d.get('clock_year') or DASH)}</td>"
            f'<td class="num" data-field="amount">{money(d.get("amount"))}</td>'
            f'<td class="num" data-field="subject_to_additional_tax">{money(d.get("subject_to_additional_tax"))}</td></tr>'
        )
    if not rows:
        return ""
    return (
        '<h2>Where each dollar came from</h2><table id="draws"><thead><tr><th>Source</th><th>Year</th>'
        '<th>Portion</th><th>Clock year</th><th class="num">Amount</th><th class="num">Subject to 10%</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        '<p class="note">Ordering of Reg. 1.408A-6 A-8: regular contributions (with designated Roth '
        "rollover basis), then conversions and plan rollovers first-in-first-out by year, taxable part "
        'first, then earnings. "Subject to 10%" is before exceptions.</p>'
    )


def _form(title: str, form: str, lines: dict, labels: dict, last: str) -> str:
    rows = "".join(
        f'<tr{" class=total" if k == last else ""}><td class="ln">{_e(k)}</td><td>{_e(labels.get(k, ""))}</td>'
        f'<td class="num" data-line="{form}-{_e(k)}">{money(v)}</td></tr>'
        for k, v in lines.items()
    )
    body = rows or '<tr><td colspan="3">Not required.</td></tr>'
    return (
        f'<section><h2>{title}</h2><table id="form{form}"><thead><tr><th>Line</th><th>Description</th>'
        f'<th class="num">Amount</th></tr></thead><tbody>{body}</tbody></table></section>'
    )


# ---- chart ------------------------------------------------------------------------------


def _layers(r: dict, before: dict, after: dict) -> list[dict]:
    """One row per basis layer: cents drawn and remaining by portion, start, clock."""
    rows: dict[tuple, dict] = {}

    def row(key, label, start=0, clock_ends=None):
        if key not in rows:
            rows[key] = {
                "key": key,
                "label": label,
                "start": 0,
                "clock_ends": None,
                "drawn": {},
                "left": {},
            }
        rows[key]["start"] += start
        rows[key]["clock_ends"] = rows[key]["clock_ends"] or clock_ends
        return rows[key]

    row(
        ("regular_contributions",),
        "Regular contributions",
        cents(before.get("regular_contribution_basis")),
    )
    row(
        ("designated_roth_rollover",),
        "Designated Roth rollover",
        cents(before.get("designated_roth_rollover_basis")),
    )
    for la in before.get("conversion_layers", []):
        row(
            (la["source"], la["year"]),
            f"{SOURCE_NAMES.get(la['source'], la['source'])} {la['year']}",
            cents(la.get("taxable")) + cents(la.get("nontaxable")),
            la.get("clock_ends"),
        )
    left = after.get("regular_contribution_basis")
    row(("regular_contributions",), "")["left"]["basis"] = cents(left)
    row(("designated_roth_rollover",), "")["left"]["basis"] = cents(
        after.get("designated_roth_rollover_basis")
    )
    for la in after.get("conversion_layers", []):
        rw = row(
            (la["source"], la["year"]),
            f"{SOURCE_NAMES.get(la['source'], la['source'])} {la['year']}",
            clock_ends=la.get("clock_ends"),
        )
        for part in ("taxable", "nontaxable"):
            rw["left"][part] = rw["left"].get(part, 0) + cents(la.get(part))
    for d in r.get("draws", []):
        src = d.get("source")
        key = (src, d.get("year")) if src in ("conversion", "plan_rollover") else (src,)
        rw = row(
            key,
            f"{SOURCE_NAMES.get(src, src)} {d.get('year')}"
            if len(key) == 2
            else SOURCE_NAMES.get(src, str(src)),
        )
        part = d.get("portion") or "basis"
        rw["drawn"][part] = rw["drawn"].get(part, 0) + cents(d.get("amount"))
        if str(d.get("clock_year")).isdigit() and not rw["clock_ends"] and part == "taxable":
            rw["clock_ends"] = f"{int(d['clock_year']) + 4}-12-31"
            rw["clock_from"] = int(d["clock_year"])
    out = []
    for rw in rows.values():
        rw["total_drawn"] = sum(rw["drawn"].values())
        rw["total_left"] = sum(rw["left"].values())
        if rw["start"] or rw["total_drawn"] or rw["total_left"]:
            out.append(rw)
    return out


FILLS = {
    ("drawn", "taxable"): "#1a1a1a",
    ("drawn", "nontaxable"): "#6e6e6e",
    ("drawn", "basis"): "#6e6e6e",
    ("left", "taxable"): "#b8b8b8",
    ("left", "nontaxable"): "#ececec",
    ("left", "basis"): "#ececec",
}


HALO = 'stroke="#fff" stroke-width="3" paint-order="stroke"'


def _iso(day) -> str | None:
    """An ISO date string, or None: the chart places only what it can parse."""
    try:
        return date.fromisoformat(str(day)).isoformat()
    except ValueError:
        return None


def _year_x(day: str, y0: int, y1: int, x0: float, width: float) -> float:
    d = date.fromisoformat(day)
    frac = d.year + (d.timetuple().tm_yday - 1) / 366
    return x0 + width * (frac - y0) / (y1 - y0)


def _chart(r: dict, before: dict, after: dict) -> str:
    layers = _layers(r, before, after)
    if not layers:
        return ""
    year = int(r.get("tax_year") or 0)
    W, BX, BW, TX, TW, RH, TOP = 720, 178, 262, 466, 246, 48, 38
    scale = max(max(la["total_drawn"] + la["total_left"], la["start"]) for la in layers) or 1
    for la in layers:
        la["clock_ends"] = _iso(la["clock_ends"]) if la["clock_ends"] else None
    clocks = [la for la in layers if la["clock_ends"]]
    qualified = _iso(after.get("qualified_from"))
    dists = [day for d in r.get("distributions", []) if (day := _iso(d.get("date")))]
    years = [int(la["clock_ends"][:4]) for la in clocks] + [year]
    starts = [int(la["clock_ends"][:4]) - 4 for la in clocks]
    if _iso(after.get("qualified_clock_starts")):
        starts.append(int(after["qualified_clock_starts"][:4]))
    if qualified:
        years.append(int(qualified[:4]))
    y0, y1 = min(starts + [year]), max(years) + 1
    H = TOP + RH * len(layers) + 62
    s = [
        f'<svg id="layer-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
        f'aria-label="Basis layers drawn in {year} and their 10% clocks">',
        f'<text x="{BX}" y="13" font-size="11" font-weight="bold">Drawn in {year} vs remaining Dec 31, {year}</text>',
        f'<text x="{TX}" y="13" font-size="11" font-weight="bold">10% clock (5 taxable years)</text>',
    ]
    for yr in range(y0, y1 + 1):
        x = TX + TW * (yr - y0) / (y1 - y0)
        s.append(
            f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{H - 38}" stroke="#ddd" stroke-width="0.6"/>'
        )
        if yr < y1:
            s.append(
                f'<text x="{x + TW / (y1 - y0) / 2:.1f}" y="{TOP - 9}" font-size="9" text-anchor="middle">{yr}</text>'
            )
    for i, la in enumerate(layers):
        y = TOP + i * RH
        key = "-".join(str(k) for k in la["key"])
        clock = (
            f"{'recapture' if 'clock_from' in la else '10%'} clock ends {la['clock_ends']}"
            if la["clock_ends"]
            else "no 10% clock"
        )
        s.append(
            f'<g data-layer="{_e(key)}" data-drawn="{money(from_cents(la["total_drawn"]))}" '
            f'data-remaining="{money(from_cents(la["total_left"]))}" data-clock-ends="{_e(la["clock_ends"] or "")}">'
        )
        s.append(
            f'<text x="0" y="{y + 13}" font-size="11" font-weight="bold">{_e(la["label"])}</text>'
        )
        s.append(f'<text x="0" y="{y + 27}" font-size="9.5" class="clock-end">{_e(clock)}</text>')
        x = float(BX)
        for state in ("drawn", "left"):
            for part in ("taxable", "nontaxable", "basis"):
                amt = la[state].get(part, 0)
                if amt <= 0:
                    continue
                w = BW * amt / scale
                s.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="15" fill="{FILLS[state, part]}" '
                    f'stroke="#000" stroke-width="0.5"><title>{state} {part}: {money(from_cents(amt))}</title></rect>'
                )
                x += w
        if la["start"]:
            sx = BX + BW * la["start"] / scale
            s.append(
                f'<line x1="{sx:.1f}" y1="{y}" x2="{sx:.1f}" y2="{y + 21}" stroke="#000" stroke-width="1.2" stroke-dasharray="2,1.5"/>'
            )
        s.append(
            f'<text x="{BX}" y="{y + 31}" font-size="9.5">start {money(from_cents(la["start"]))} \u00b7 '
            f"drawn {money(from_cents(la['total_drawn']))} \u00b7 remaining {money(from_cents(la['total_left']))}</text>"
        )
        if la["clock_ends"]:
            end = int(la["clock_ends"][:4])
            begin = la.get("clock_from", end - 4)
            x1 = _year_x(f"{begin}-01-01", y0, y1, TX, TW)
            x2 = _year_x(la["clock_ends"], y0, y1, TX, TW) + TW / (y1 - y0) / 366
            s.append(
                f'<rect x="{x1:.1f}" y="{y + 5}" width="{x2 - x1:.1f}" height="11" fill="#fff" stroke="#000" stroke-width="0.8"/>'
            )
            s.append(
                f'<text x="{x1 + 3:.1f}" y="{y + 29}" font-size="9" {HALO}>ends {_e(la["clock_ends"])}</text>'
            )
        s.append("</g>")
    bottom = TOP + RH * len(layers)
    marks: list[tuple[str, str, str | None]] = [(qd, f"withdrawal {qd}", "3,2") for qd in dists]
    if qualified:
        marks.append((qualified, f"qualified from {qualified}", None))
    marks = [m for m in sorted(marks) if y0 <= int(m[0][:4]) < y1]
    for j, (day, label, dash) in enumerate(marks):
        x = _year_x(day, y0, y1, TX, TW)
        dasharr = f' stroke-dasharray="{dash}"' if dash else ""
        s.append(
            f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{bottom + 13 + 13 * j}" stroke="#000" stroke-width="1.2"{dasharr}/>'
        )
        s.append(
            f'<text x="{x - 3:.1f}" y="{bottom + 13 + 13 * j}" font-size="9" text-anchor="end" {HALO}>{_e(label)}</text>'
        )
    ly = H - 12
    lx = 0
    for (state, part), text in (
        (("drawn", "taxable"), f"drawn {year}: taxable"),
        (("drawn", "nontaxable"), f"drawn {year}: nontaxable"),
        (("left", "taxable"), "remaining: taxable"),
        (("left", "nontaxable"), "remaining: nontaxable"),
    ):
        s.append(
            f'<rect x="{lx}" y="{ly - 8}" width="10" height="9" fill="{FILLS[state, part]}" stroke="#000" stroke-width="0.5"/>'
            f'<text x="{lx + 14}" y="{ly}" font-size="9">{text}</text>'
        )
        lx += 140
    s.append(
        f'<line x1="{lx}" y1="{ly - 10}" x2="{lx}" y2="{ly + 2}" stroke="#000" stroke-dasharray="2,1.5"/>'
        f'<text x="{lx + 4}" y="{ly}" font-size="9">start of {year}</text></svg>'
    )
    return "".join(s)


# ---- page -------------------------------------------------------------------------------


def _state(r: dict) -> str:
    """The ledger state the page was computed from (``ledger_state``)."""
    state = r.get("ledger_state")
    if not state:
        return ""
    heads = "; ".join(
        f'household {_e(h["household"])} at version <span class="head-version">{_e(h["version"])}</span>, '
        f'hash <code class="head-hash">{_e(h["hash"])}</code>'
        for h in state["heads"]
    )
    return (
        f'<p id="ledger-state">Ledger as known on <span id="as-known-on">{_e(state["as_known_on"])}</span>: '
        f'{heads}. Generated <span id="generated-at">{_e(state["generated_at"])}</span>.</p>'
    )


def withdrawals_html(report: dict, basis_before: dict, basis_after: dict) -> str:
    """The printable page for ``report withdrawals --format html``."""
    r = report
    pol = r.get("policy") or {}
    policy = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in pol.items())
    title = (
        f"Roth IRA withdrawals {r.get('tax_year')} \u2014 {r.get('household')} / {r.get('person')}"
    )
    q = r.get("qualified")
    known = f" \u00b7 as recorded on {r['as_known_on']}" if r.get("as_known_on") else ""
    warnings = "".join(f"<li>{_e(w)}</li>" for w in r.get("warnings") or [])
    exceptions = "".join(
        f"<li>{_e(x.get('kind'))} (line 2 code {_e(x.get('code') or 'see instructions')}): {money(x.get('amount'))}</li>"
        for x in r.get("exceptions") or []
    )
    qualified_from = basis_after.get("qualified_from")
    f8606 = _form(
        f"Form 8606 Part III {DASH} Distributions from Roth IRAs",
        "8606",
        r.get("form8606") or {},
        LINE_LABELS_8606,
        "25c",
    )
    f5329 = _form(
        f"Form 5329 Part I {DASH} Additional tax on early distributions",
        "5329",
        r.get("form5329") or {},
        LINE_LABELS_5329,
        "4",
    )
    inherited = "".join(_inherited(b) for b in r.get("inherited") or [])
    every = r.get("total_with_inherited")
    if every:  # the summary is the own Roth IRAs': say so, and the sum with the inherited
        inherited = (
            '<p class="note" id="total-with-inherited">The figures above are the own Roth '
            "IRAs'. Own and inherited Roth IRAs: taxable amount "
            f"${money(every.get('taxable_amount'))} \u00b7 additional tax "
            f"${money(every.get('additional_tax'))}.</p>\n{inherited}"
        )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{CSS}</style></head>
<body>
<header>
<h1>Roth IRA withdrawals, tax year <span id="tax-year">{_e(r.get("tax_year"))}</span></h1>
<p class="sub">Household <strong id="household">{_e(r.get("household"))}</strong> \u00b7 person
<strong id="person">{_e(r.get("person"))}</strong> \u00b7 policy: <span id="policy">{_e(policy)}</span>{_e(known)}</p>
</header>
<div class="summary">
<div><div class="k">Taxable amount (8606 line 25c)</div><div class="v">$<span id="taxable-amount">{money(r.get("taxable_amount"))}</span></div></div>
<div><div class="k">Additional 10% tax (5329 line 4)</div><div class="v">$<span id="additional-tax">{money(r.get("additional_tax"))}</span></div></div>
<div><div class="k">Qualified distribution</div><div class="v" id="qualified">{"yes" if q else "no" if q is not None else DASH}</div></div>
</div>
<h2>Distributions</h2>
{_distributions(r)}
{_draws(r)}
<div class="forms">
{f8606}
{f5329}
</div>
{f'<p class="note">Exceptions: </p><ul class="note">{exceptions}</ul>' if exceptions else ""}
{inherited}
<h2>Basis layers and their clocks</h2>
<figure>{_chart(r, basis_before, basis_after)}
<figcaption class="note">The account is qualified (5-year clock) from <strong id="qualified-from">{_e(qualified_from or DASH)}</strong>;
age 59\u00bd on <span id="age-59-half">{_e(basis_after.get("age_59_and_a_half_on") or DASH)}</span>.
A layer's 10% clock runs five taxable years from January 1 of its year (\u00a7408A(d)(3)(F)).</figcaption></figure>
<h2>Warnings</h2>
{f'<ul class="warnings" id="warnings">{warnings}</ul>' if warnings else '<p id="warnings">None.</p>'}
<footer>Prepared with roth-ledger from the recorded events. Figures are those of
<code>roth-ledger report withdrawals --format json</code>; keep with the return's workpapers.
{_state(r)}</footer>
</body></html>
"""


def _inherited(b: dict) -> str:
    """One inherited Roth IRA's block: kept apart, its own Form 8606 Part III."""
    f8606 = _form(
        f"Form 8606 Part III {DASH} the Roth IRA inherited from {b.get('decedent')}",
        "8606",
        b.get("form8606") or {},
        LINE_LABELS_8606,
        "25c",
    )
    warnings = "".join(f"<li>{_e(w)}</li>" for w in b.get("warnings") or [])
    return f"""<section class="inherited" data-decedent="{_e(b.get("decedent"))}">
<h2>Inherited Roth IRA of {_e(b.get("decedent"))} (kept apart, Reg. 1.408A-6 A-11)</h2>
<p>Taxable amount: $<span class="taxable-amount">{money(b.get("taxable_amount"))}</span> ·
additional tax: ${money(b.get("additional_tax"))} · qualified:
{"yes" if b.get("qualified") else "no"}</p>
{_distributions(b)}
{_draws(b)}
<div class="forms">{f8606}</div>
{f'<ul class="warnings">{warnings}</ul>' if warnings else ""}
</section>
"""


def layers_chart(report: dict, basis_before: dict, basis_after: dict) -> str:
    """The page's chart of the basis layers and their clocks (an inline SVG, escaped),
    for a page that shows it on its own; empty when there are no layers."""
    return _chart(report, basis_before, basis_after)
