"""A property test that attacks (issue 14, item 2): generated hostile YAML, JSON and CSV
ledger files and hostile command lines, run against one ledger holding the bundled
example household, each must end in a refusal: no traceback, exit 2 (bad input) or 3 (not
found) as the README's exit codes say, nothing stored (every household's head and the
users table unchanged), one short message that never prints a whole huge value, and
within a time and a memory bound (tracemalloc's peak).

The hand-picked reproducers of the adversarial run are in ``tests/test_hostile_input.py``;
this file draws from the same families (and more) and combines them: a hostile value in
any field of any kind, in any of the three formats, or in any option of a command; a
hostile shape (alias bombs, nesting, duplicate keys, tags, encodings, CSV quoting). Every
generated case is hostile by construction: each value drawn is refused in the place it
is put (a pool entry that turned out to be a valid value would be stored, and the test
would say so).

Hypothesis runs derandomized, without its example database, with a fixed number of
examples, so CI is deterministic: ``ROTH_LEDGER_HOSTILE_EXAMPLES`` raises the count for a
longer local run.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import events as ev

EXAMPLE = Path(__file__).resolve().parent.parent / "ledger" / "examples" / "astra-2022.yaml"
#: the bounds every case must keep (generous for a loaded CI machine: a refusal takes
#: milliseconds and a few hundred kilobytes). The work bound is CPU time (this process's:
#: the command runs in it), which a neighbour's load on a shared machine does not stretch;
#: the wall-clock bound only catches a case that waits (on input, a lock) instead of failing
MAX_CPU_SECONDS = 3.0
MAX_WALL_SECONDS = 30.0
MAX_PEAK_BYTES = 48 * 1024 * 1024
#: the longest message a refusal prints (a few problems, each a line; never a whole value)
MAX_OUTPUT = 3000

EXAMPLES = int(os.environ.get("ROTH_LEDGER_HOSTILE_EXAMPLES", "0"))


def _settings(n: int):
    return settings(
        max_examples=EXAMPLES or n,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        suppress_health_check=list(HealthCheck),
    )


# --- pools: every value in them is refused where it is put ----------------------------

NEXT_YEARS = date.today().year + 4  # the dates taken end three years ahead

AMOUNTS = [
    "10,50", "1,0,0", "$$5", "1.005", "１２", "٣", "1e400", "1E5", "1.0e+400", "NaN", "nan",
    "Infinity", "-Infinity", "inf", "-0", "-0.00", "-5", "-$5", "$-5", "1" * 27, "9" * 13,
    "1000000000000", "999999999999.999", "1000000000000.00", "0x10", "1_000", "+5", "5$", "$",
    ".", ",", "5.", ".5", "1,2345", "12,34", ",123", "123,", "1 000", "(5)", "5e-3", "1.2.3",
    "--5", "5-", "$ 5", "1,000.005", "0.001", "12345678901234567890.12", "$1,23", "1,,000",
    "1,000,00", "5\x00", "five", "1" * 5000, "$" * 3000, "0x" + "f" * 40, "١٢٣", "𝟏𝟐",
]  # fmt: skip
DATES = [
    "9999-12-31", "0001-01-01", "2023-02-30", "2023-13-01", "2023-00-10", "1974-12-31",
    "20230101", "2023-1-1", "2023/01/01", "+2023-01-01", "2023-01-01T00:00:00",
    "2023-01-01 00:00", "１９８０-01-01", "2023-01-32", "-2023-01-01", "2023-01-01\x00",
    "x" * 5000, "today", "0000-00-00", f"{NEXT_YEARS}-01-01", "2023-W01-1", "2023-001",
    "99999-01-01", "2023-02-29", "1900-01-01", "2023-01-0١",
]  # fmt: skip
YEARS = [
    "22", "-1", "0", "10000000", "99999999999", "1e3", "2022.0", "２０２２", "9" * 5000,
    "1974", str(NEXT_YEARS), "20 22", "0x7e6", "2022a", "maybe", "1" * 400, "-2022", "+2022",
]  # fmt: skip
BOOLS = ["maybe", "2", "tru", "ja", "nil", "-1", "ye s", "x" * 5000, "\x00"]
#: ids: SQL and path tricks, control characters, over-long (letters, digits, _ . - only)
IDS = [
    "'; DROP TABLE events; --", "../../etc/passwd", "a/b", "a\\b", "..", ".", "a b", "a\x00b",
    "a" * 65, "a" * 5000, "%00", "<script>x</script>", "é", "\u202eevil", "a\nb", "a\n",
    "$(id)", "`id`", "*", "a;b", "-rf", "_x", "a\tb", "x\u200b", "ﬁle", "a\r",
]  # fmt: skip
TEXTS = ["m" * 2001, "m" * 20_000, "a\x00b", "\x00"]
KINDS = [
    "lottery_win", "household_named", "person_added", "Roth_Distribution", "roth_distribution ",
    "void\x00", "k" * 5000, "__class__", "kind", "ROTH_CONVERSION", "roth-distribution",
]  # fmt: skip
#: fields no kind has (misspelt, differently cased, trailing space, object internals)
UNKNOWN_FIELDS = [
    "amout", "AMOUNT", "amount ", "Date", "__proto__", "constructor", "__class__", "tax-year",
    "version", "household", "recorded_at", "hash", "prev_hash", "x" * 5000, "ssn",
]  # fmt: skip
EXCEPTIONS = ["lottery", "99", "00", "x" * 5000, "first_home\x00", "-1", "1e3"]
FILING_STATUSES = ["married", "SINGLE ", "x" * 5000, "single\x00", "jointly"]

#: (kind, the valid fields of one event of it for person p of household astra)
BASE_EVENTS: list[tuple[str, dict[str, str]]] = [
    ("roth_contribution", {"person": "p", "tax_year": "2021", "date": "2021-03-01", "amount": "100"}),
    ("roth_contribution_return", {"person": "p", "tax_year": "2021", "date": "2021-05-01", "amount": "100", "earnings": "5"}),
    ("roth_contribution_limit", {"person": "p", "tax_year": "2021", "limit": "6000"}),
    ("tax_year_income", {"person": "p", "tax_year": "2021", "filing_status": "single", "magi": "50000", "compensation": "50000", "lived_apart": "false"}),
    ("ira_contribution", {"person": "p", "tax_year": "2021", "date": "2021-03-01", "amount": "100", "deductible": "false"}),
    ("ira_distribution", {"person": "p", "date": "2021-03-01", "amount": "100"}),
    ("ira_year_end_value", {"person": "p", "year": "2021", "value": "100"}),
    ("roth_conversion", {"person": "p", "date": "2021-03-01", "amount": "100", "taxable": "100"}),
    ("plan_after_tax_contribution", {"person": "p", "plan": "k401", "date": "2021-03-01", "amount": "100"}),
    ("plan_roth_contribution", {"person": "p", "plan": "k401", "tax_year": "2021", "date": "2021-03-01", "amount": "100"}),
    ("plan_distribution", {"person": "p", "plan": "k401", "date": "2021-03-01", "amount": "100", "account_value": "1000", "to_cash": "100"}),
    ("in_plan_roth_rollover", {"person": "p", "plan": "k401", "date": "2021-03-01", "amount": "100", "taxable": "10"}),
    ("designated_roth_rollover", {"person": "p", "plan": "k401", "date": "2021-03-01", "amount": "100", "basis": "50", "qualified": "false"}),
    ("roth_distribution", {"person": "p", "date": "2021-03-01", "amount": "100", "disaster": "false"}),
    ("roth_year_end_value", {"person": "p", "year": "2021", "value": "100"}),
    ("person_disabled", {"person": "p", "date": "2021-03-01"}),
    ("person_died", {"person": "p", "date": "2021-03-01"}),
    ("void", {"target": "e10", "reason": "wrong"}),
]  # fmt: skip


_SAMPLES = {"money": "100", "date": "2021-03-01", "year": "2021", "bool": "false"}
_TEXT_SAMPLES = {"person": "p", "decedent": "p", "inherited_from": "p", "plan": "k401", "target": "e1"}  # fmt: skip


def _sample_event(kind: str) -> dict[str, str]:
    """Every field of ``kind`` with a plausible value (a kind added later is attacked too;
    the event need not be valid otherwise: the hostile field alone must be refused)."""
    return {
        spec.name: _SAMPLES.get(spec.type) or _TEXT_SAMPLES.get(spec.name, "x")
        for spec in ev.FIELDS[kind]
    }


BASE_EVENTS += [(k, _sample_event(k)) for k in ev.FILE_KINDS if k not in dict(BASE_EVENTS)]


def _field_type(kind: str, name: str) -> str:
    if name in ("memo", "source", "reason", "name", "plan", "plan_type"):
        return "text"
    if name in ("person", "target", "decedent", "inherited_from"):
        return "id"  # a text field naming a person or an event: a hostile one names none
    if name == "exception":
        return "exception"
    if name == "filing_status":
        return "filing_status"
    spec = next(s for s in ev.FIELDS[kind] if s.name == name)
    return spec.type


POOLS: dict[str, list[str]] = {
    "money": AMOUNTS,
    "date": DATES,
    "year": YEARS,
    "bool": BOOLS,
    "text": TEXTS,
    "id": IDS,
    "exception": EXCEPTIONS,
    "filing_status": FILING_STATUSES,
    "kind": KINDS,
}

#: YAML written raw into any field's place: each is refused as any field's value
YAML_ANYWHERE = [
    '!!python/object/apply:os.system ["true"]',
    "!!python/name:os.system x",
    "!!python/object:object {}",
    "!<tag:yaml.org,2002:python/tuple> [1, 2]",
    "!!binary aGk=",
    "!!set {a: null}",
    "!!omap [a: 1]",
    "!!timestamp notadate",
    "!!timestamp 2023-02-30",
    "!!timestamp 2022-01-01T10:00:00",
    "!custom x",
    "[]",
    "{}",
    "[1, 2]",
    "{a: b}",
    "*undefined",
    "&r [*r]",
    "[" * 60 + "]" * 60,
    '"\\ud800"',
    '"x\\udfffy"',
    '"\\0"',
    '"\\x00abc"',
    '"' + "m" * 3000 + '"',
]
#: JSON written raw into any field's place
JSON_ANYWHERE = [
    "NaN",
    "Infinity",
    "-Infinity",
    "[]",
    "{}",
    "[1, 2]",
    '{"a": "b"}',
    '"\\ud800"',
    '"x\\udc00"',
    '"\\u0000"',
    "[" * 60 + "]" * 60,
    "[" * 5000 + "]" * 5000,
    "1" * 5000,
    "1e400",
    "-0.0e999999",
    "true",
    "false",
]


#: raw values a text field or an id takes as the text written (a memo of 1e400 is "1e400")
_AS_TEXT = frozenset(
    {"!!timestamp notadate", "!!timestamp 2023-02-30", "!!timestamp 2022-01-01T10:00:00"}
    | {"1e400", "-0.0e999999"}
)


# --- rendering a ledger with one hostile spot -----------------------------------------

HEAD = {"household": {"id": "astra", "name": "Astra"}, "people": [{"id": "p", "name": "P", "born": "1980-06-15"}]}  # fmt: skip


def _yaml_scalar(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar (\u escapes too)


def _yaml_flow(fields: dict[str, str], raw: dict[str, str]) -> str:
    parts = [f"{k}: {_yaml_scalar(v)}" for k, v in fields.items()]
    parts += [f"{k}: {v}" for k, v in raw.items()]
    return "{" + ", ".join(parts) + "}"


def render_yaml(head: dict, events: list[tuple[dict[str, str], dict[str, str]]]) -> str:
    household = head["household"]
    people = head["people"]
    out = ["version: 1"]
    if isinstance(household, dict):
        out.append("household: " + _yaml_flow(household, {}))
    else:
        out.append("household: " + household)
    out.append("people:")
    for person in people:
        out.append("  - " + _yaml_flow(person, {}))
    out.append("events:")
    for fields, raw in events:
        out.append("  - " + _yaml_flow(fields, raw))
    return "\n".join(out) + "\n"


def render_json(head: dict, events: list[tuple[dict[str, str], dict[str, str]]]) -> str:
    def obj(fields: dict[str, str], raw: dict[str, str]) -> str:
        parts = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in fields.items()]
        parts += [f"{json.dumps(k)}: {v}" for k, v in raw.items()]
        return "{" + ", ".join(parts) + "}"

    household = head["household"]
    text = '{"version": 1, "household": '
    text += obj(household, {}) if isinstance(household, dict) else household
    text += ', "people": [' + ", ".join(obj(p, {}) for p in head["people"]) + "]"
    text += ', "events": [\n' + ",\n".join(obj(f, r) for f, r in events) + "\n]}"
    return text


def render_csv(head: dict, events: list[dict[str, str]]) -> str:
    columns = ["kind", "id", "name", "born"]
    for fields in events:
        columns += [k for k in fields if k not in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerow(["household", head["household"]["id"], head["household"]["name"]])
    for person in head["people"]:
        writer.writerow(["person", person["id"], person["name"], person["born"]])
    for fields in events:
        writer.writerow([fields.get(c, "") for c in columns])
    return buffer.getvalue()


# --- the cases ----------------------------------------------------------------------


@dataclass
class Case:
    """A command line and the files it reads (name -> text or bytes); ``stdin`` is
    standard input. ``codes``: the exits the README allows for it."""

    argv: list[str]
    files: dict[str, str | bytes] = field(default_factory=dict)
    stdin: str | None = None
    codes: tuple[int, ...] = (2, 3)
    why: str = ""


def _base_event(draw) -> tuple[str, dict[str, str]]:
    kind, fields = draw(st.sampled_from(BASE_EVENTS))
    return kind, dict(fields)


@st.composite
def hostile_field(draw):
    """One event (of any kind) with one field made hostile: (kind, fields, which field,
    the hostile text)."""
    kind, fields = _base_event(draw)
    names = [*fields, "memo", "source", "kind", "id", "unknown"]
    name = draw(st.sampled_from(names))
    if name == "unknown":  # a field the kind does not have, with a harmless value
        return kind, fields, draw(st.sampled_from(UNKNOWN_FIELDS)), "1"
    if name == "kind":
        pool = KINDS
    elif name == "id":
        pool = IDS
    else:
        pool = POOLS[_field_type(kind, name)]
    value = draw(st.sampled_from(pool))
    return kind, fields, name, value


@st.composite
def file_with_hostile_field(draw):
    fmt = draw(st.sampled_from(["yaml", "json", "csv"]))
    kind, fields, name, value = draw(hostile_field())
    if fmt == "csv" and value != value.strip():  # CSV cells are trimmed (docs/file-format.md)
        value = value.strip() + "\x00"
    valid = draw(st.integers(0, 3))  # valid events around the hostile one
    good = [{"kind": "roth_year_end_value", "person": "p", "year": str(2010 + i), "value": "1"} for i in range(valid)]  # fmt: skip
    at = draw(st.integers(0, valid))
    event = {"kind": kind, **fields, name: value}
    if name == "kind":
        event = {"kind": value, **fields}
    events = good[:at] + [event] + good[at:]
    if fmt == "yaml":
        text = render_yaml(HEAD, [(e, {}) for e in events])
    elif fmt == "json":
        text = render_json(HEAD, [(e, {}) for e in events])
    else:
        text = render_csv(HEAD, events)  # a NUL is written raw: the file is refused whole
    return Case(
        ["import", f"hostile.{fmt}"], {f"hostile.{fmt}": text}, why=f"{kind}.{name}={value[:40]!r}"
    )


@st.composite
def file_with_raw_snippet(draw):
    """A YAML or JSON event (any kind) with one field's value written raw: tags, aliases,
    nesting, surrogates, NaN and friends."""
    fmt = draw(st.sampled_from(["yaml", "json"]))
    kind, fields = _base_event(draw)
    name = draw(st.sampled_from([*fields, "memo", "source", "id", "kind"]))
    slot = "id" if name == "id" else "kind" if name == "kind" else _field_type(kind, name)
    pool = YAML_ANYWHERE if fmt == "yaml" else JSON_ANYWHERE
    if slot in ("text", "id"):  # a number or a timestamp is text as written there
        pool = [p for p in pool if p not in _AS_TEXT]
    if slot == "bool":
        pool = [p for p in pool if p not in ("true", "false")]
    snippet = draw(st.sampled_from(pool))
    fields.pop(name, None)
    event = {"kind": kind, **fields}
    if name == "kind":
        event.pop("kind")
    if fmt == "yaml":
        text = render_yaml(HEAD, [(event, {name: snippet})])
    else:
        text = render_json(HEAD, [(event, {name: snippet})])
    return Case(
        ["import", f"raw.{fmt}"], {f"raw.{fmt}": text}, why=f"{kind}.{name}: {snippet[:40]}"
    )


def _bomb(levels: int, width: int) -> list[str]:
    lines = ["x0: &x0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * width) + "]")
    return lines


@st.composite
def hostile_shape(draw):
    """A whole file with a hostile shape."""
    family = draw(
        st.sampled_from(
            [
                "bomb", "deep_yaml", "deep_json", "dup_key", "dup_top", "top_scalar", "multi_doc",
                "latin1", "utf16", "bom_nul", "control", "tabs", "unterminated", "version",
                "sections", "complex_key", "merge", "anchor_key", "json_trailing",
                "json_comment", "json_dup", "json_top", "json_big_int", "csv_quote",
                "csv_bom_quote", "csv_dup_column", "csv_blank_column", "csv_no_kind", "csv_cells", "csv_nul",
                "csv_two_households", "csv_cr", "csv_latin1", "empty", "binary", "heads_file",
            ]
        )
    )  # fmt: skip
    good_event = "  - {kind: roth_year_end_value, person: p, year: 2015, value: 1}\n"
    head = render_yaml(HEAD, [])
    name, text = "shape.yaml", ""
    data: str | bytes
    if family == "bomb":
        levels = draw(st.integers(3, 12))
        width = draw(st.integers(6, 12))
        where = draw(st.sampled_from(["version", "household", "kind", "id", "person", "memo", "amount", "events"]))  # fmt: skip
        lines = _bomb(levels, width)  # width**levels values: 216 (expanded, refused) to 10**12
        top = f"*x{levels - 1}"
        if where in ("version", "household", "events"):
            text = "\n".join(lines) + "\n" + head.replace(
                "version: 1" if where == "version" else
                ("household: " + _yaml_flow(HEAD["household"], {})) if where == "household" else
                "events:", f"{where}: {top}" if where != "events" else f"events: {top}",
            )  # fmt: skip
            if where == "events":
                text = text.replace(f"events: {top}\n", "") + f"events: {top}\n"
        else:
            base = {"kind": "roth_distribution", "person": "p", "date": "2021-03-01", "amount": "100"}  # fmt: skip
            base.pop(where, None)
            text = "\n".join(lines) + "\n" + render_yaml(HEAD, [(base, {where: top})])
    elif family == "deep_yaml":
        depth = draw(st.sampled_from([41, 100, 500, 20000]))
        style = draw(st.sampled_from(["flow", "block", "map"]))
        if style == "flow":
            nest = "[" * depth + "]" * depth
        elif style == "map":
            nest = "{a: " * depth + "1" + "}" * depth
        else:
            nest = "\n" + "".join("  " * (i + 2) + "-\n" for i in range(min(depth, 500)))
        text = (
            head
            + "events:\n  - {kind: roth_distribution, person: p, memo: "
            + (nest if style != "block" else "x")
            + "}\n"
        )
        if style == "block":
            text = head + "events:" + nest
    elif family == "deep_json":
        depth = draw(st.sampled_from([41, 100, 1000, 100_000]))
        name = "shape.json"
        text = '{"version": 1, "household": {"id": "astra"}, "people": [], "events": [' + '{"kind": "void", "reason": ' + "[" * depth + "]" * depth + "}]}"  # fmt: skip
    elif family == "dup_key":
        key = draw(st.sampled_from(["amount", "kind", "person", "date", "id"]))
        text = head + f"events:\n  - {{kind: roth_distribution, person: p, date: 2021-03-01, amount: 100, {key}: {'void' if key == 'kind' else 'e99' if key == 'id' else '2021-03-02' if key == 'date' else 'p' if key == 'person' else '1000'}}}\n"  # fmt: skip
    elif family == "dup_top":
        text = head + "events:\n" + good_event + "events: []\n"
    elif family == "top_scalar":
        text = draw(st.sampled_from(["just text\n", "- a\n- b\n", "42\n", "null\n", "~\n", "[]\n", '"\\ud800"\n']))  # fmt: skip
    elif family == "multi_doc":
        text = head + "events: []\n---\n" + head + "events: []\n"
    elif family == "latin1":
        data = (head + "events:\n  - {kind: roth_distribution, person: p, date: 2021-03-01, amount: 100, memo: ").encode() + "café}\n".encode("latin-1")  # fmt: skip
        return Case(["import", name], {name: data}, why=family)
    elif family == "utf16":
        data = (head + "events:\n" + good_event).encode("utf-16")
        return Case(["import", name], {name: data}, why=family)
    elif family == "bom_nul":
        data = b"\xef\xbb\xbf" + (head + "events:\n" + good_event).encode() + b"\x00"
        return Case(["import", name], {name: data}, why=family)
    elif family == "control":
        char = draw(st.sampled_from(["\x01", "\x07", "\x1b[31m", "\x7f", "\ufffe", "\x85\x01"]))
        text = head + f"events:\n  - {{kind: person_died, person: p, date: 2021-03-01, memo: a{char}b}}\n"  # fmt: skip
    elif family == "tabs":
        text = head + "events:\n\t- {kind: person_died, person: p, date: 2021-03-01}\n"
    elif family == "unterminated":
        text = head + draw(st.sampled_from(["events:\n  - {kind: person_died, person: p", 'events:\n  - {kind: "person_died', "events: [\n", "events:\n  - 'abc\n"]))  # fmt: skip
    elif family == "version":
        text = head.replace("version: 1", "version: " + draw(st.sampled_from(["2", "0", "1.0", "'1 '", "99999999999999999999999", "[1]", "true", "-1"]))) + "events: []\n"  # fmt: skip
    elif family == "sections":
        text = draw(
            st.sampled_from(
                [
                    head + "events: {a: 1}\n",
                    head + "events: 5\n",
                    head + "events:\n  - 5\n",
                    head + "events:\n  - [kind, void]\n",
                    head.replace("people:", "people: {}\nxpeople:") + "events: []\n",
                    head + "extra: 1\nevents: []\n",
                    "version: 1\nhousehold: {id: astra, name: Astra, color: red}\npeople: []\nevents: []\n",
                    "version: 1\nhousehold: [astra]\npeople: []\nevents: []\n",
                    "version: 1\npeople: []\nevents: []\n",
                    "version: 1\nhousehold: {name: X}\npeople: []\nevents: []\n",
                    head + "events:\n  - {person: p, date: 2021-03-01}\n",
                    "version: 1\nhousehold: {id: astra, name: Astra}\npeople:\n  - {id: p, name: P, born: 1980-06-15, ssn: 123}\nevents: []\n",
                    "version: 1\nhousehold: {id: astra, name: Astra}\npeople:\n  - {id: q, name: Q, born: 2999-01-01}\nevents: []\n",
                    "version: 1\nhousehold: {id: astra, name: Astra}\npeople:\n  - {id: q, name: Q, born: 1899-12-31}\nevents: []\n",
                    "version: 1\nhousehold: {id: astra, name: Astra}\npeople:\n  - {id: q, name: Q}\nevents: []\n",
                    "version: 1\nhousehold: {id: astra, name: Astra}\npeople:\n  - p\nevents: []\n",
                ]
            )
        )  # fmt: skip
    elif family == "complex_key":
        text = (
            head + "events:\n  - {? [a, b] : c, kind: person_died, person: p, date: 2021-03-01}\n"
        )
    elif family == "merge":
        text = "base: &b {person: p, date: 2021-03-01}\n" + head + "events:\n  - {<<: *b, kind: person_died}\n"  # fmt: skip
    elif family == "anchor_key":
        text = head + "events:\n  - {&k kind: person_died, *k : person_died, person: p, date: 2021-03-01}\n"  # fmt: skip
    elif family.startswith("json"):
        name = "shape.json"
        body = render_json(
            HEAD, [({"kind": "person_died", "person": "p", "date": "2021-03-01"}, {})]
        )
        if family == "json_trailing":
            text = body.replace("]}", "],}")
        elif family == "json_comment":
            text = "// a comment\n" + body
        elif family == "json_dup":
            text = body.replace('"kind": "person_died"', '"kind": "person_died", "kind": "void"')
        elif family == "json_top":
            text = draw(st.sampled_from(["[]", '"text"', "42", "null", "NaN", "[" * 3000]))
        else:
            text = body.replace('"date": "2021-03-01"', '"date": "2021-03-01", "amount": ' + "9" * draw(st.sampled_from([27, 400, 4300, 5000])))  # fmt: skip
    elif family.startswith("csv"):
        name = "shape.csv"
        body = render_csv(HEAD, [{"kind": "person_died", "person": "p", "date": "2021-03-01"}])
        if family == "csv_quote":
            text = body.replace("person_died,", 'person_died,"open ', 1)
        elif family == "csv_bom_quote":
            text = "\ufeff" + body + 'roth_distribution,"x'
        elif family == "csv_dup_column":  # valid but for the column given twice
            text = (
                "kind,id,name,born,person,date,amount,amount\nhousehold,astra,Astra\n"
                "person,p,P,1980-06-15\nroth_distribution,e77,,,p,2021-03-01,5,500\n"
            )
        elif family == "csv_blank_column":  # a value under a column with no name
            text = (
                "kind,id,name,born,person,date,,amount\nhousehold,astra,Astra\n"
                "person,p,P,1980-06-15\nroth_distribution,e77,,,p,2021-03-01,5,500\n"
            )
        elif family == "csv_no_kind":
            text = body.replace("kind,", "type,", 1)
        elif family == "csv_cells":
            text = body.rstrip("\n") + ",extra,cells,here\n"
        elif family == "csv_nul":
            text = body.replace("P,", "P\x00,", 1)
        elif family == "csv_two_households":
            text = body + "household,other,Other\n"
        elif family == "csv_cr":
            text = body.replace("\n", "\r") + 'x,"'
        else:
            return Case(["import", name], {name: body.encode() + "café,\n".encode("latin-1")}, why=family)  # fmt: skip
    elif family == "heads_file":  # verify --against a hostile heads file
        name = "heads.json"
        body = draw(
            st.sampled_from(
                [
                    '{"heads": ' + "[" * 5000 + "]" * 5000 + "}",
                    '{"heads": [{"household": "astra", "version": 1' + "0" * 5000 + ', "hash": "x"}]}',
                    '{"heads": [{"household": "astra", "version": NaN, "hash": "x"}]}',
                    '{"heads": [{"household": "astra", "version": 1e400, "hash": "x"}]}',
                    '{"heads": [{"household": "\\ud800", "version": 1, "hash": "x"}]}',
                    '{"heads": [{"household": "' + "a" * 5000 + '", "version": 1, "hash": "x"}]}',
                    '{"heads": [{"household": "astra", "version": -1, "hash": "x"}]}',
                    '{"heads": [{"household": "astra", "version": true, "hash": "x"}]}',
                    '{"heads": [{"household": "astra", "version": 1, "hash": ["x"]}]}',
                    '{"heads": {"astra": 1}}',
                    '{"heads": [5]}',
                    "[]",
                    "",
                    "\ufeff{",
                ]
            )
        )  # fmt: skip
        return Case(["verify", "--against", name], {name: body}, why=f"{family}: {body[:40]}")
    elif family == "empty":
        text = draw(st.sampled_from(["", "\n\n", "   ", "\ufeff", "# only a comment\n"]))
    else:  # binary
        data = bytes(range(256)) * 4
        return Case(["import", name], {name: data}, why=family)
    return Case(["import", name], {name: text}, why=family)


#: (argv with {} where the hostile value goes, the pool it is drawn from)
COMMANDS: list[tuple[list[str], str]] = [
    (["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "{}"], "year"),
    (["report", "form8606", "-H", "astra", "-p", "p", "--tax-year", "{}"], "year"),
    (["report", "form5329", "-H", "astra", "-p", "p", "-y", "{}"], "year"),
    (["report", "year", "-H", "astra", "-p", "p", "-y", "{}"], "year"),
    (["report", "batch", "-y", "{}"], "year"),
    (["report", "batch", "-y", "2022", "--as-known-on", "{}"], "date"),
    (["report", "batch", "-y", "2022", "-j", "{}"], "jobs"),
    (["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022", "--as-known-on", "{}"], "date"),
    (["report", "basis", "-H", "astra", "-p", "p", "--as-of", "{}"], "date"),
    (["report", "basis", "-H", "astra", "-p", "p", "--as-known-on", "{}"], "date"),
    (["report", "withdrawals", "-H", "{}", "-p", "p", "-y", "2022"], "id"),
    (["report", "withdrawals", "-H", "astra", "-p", "{}", "-y", "2022"], "id"),
    (["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022", "--format", "{}"], "choice"),
    (["report", "form8606", "-H", "astra", "-p", "p", "-y", "2022", "--ratio-precision", "{}"], "choice"),
    (["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022", "--irr-recapture", "{}"], "choice"),
    (["events", "-H", "astra", "-y", "{}"], "year"),
    (["events", "-H", "astra", "-k", "{}"], "kind"),
    (["events", "-H", "astra", "-p", "{}"], "id"),
    (["events", "-H", "{}"], "id"),
    (["events", "-H", "astra", "--as-known-on", "{}"], "date"),
    (["export", "-H", "{}"], "id"),
    (["export", "-H", "astra", "--as-known-on", "{}"], "date"),
    (["export", "-H", "astra", "--format", "{}"], "choice"),
    (["plan", "withdrawal", "-H", "astra", "-p", "p", "--date", "{}"], "date"),
    (["plan", "withdrawal", "-H", "astra", "-p", "p", "--date", "2023-03-01", "--amount", "{}"], "money"),
    (["plan", "withdrawal", "-H", "astra", "-p", "p", "--date", "2023-03-01", "--exception", "{}"], "exception"),
    (["plan", "withdrawal", "-H", "{}", "-p", "p", "--date", "2023-03-01"], "id"),
    (["plan", "ladder", "-H", "astra", "-p", "{}"], "id"),
    (["void", "{}", "--reason", "r"], "id"),
    (["void", "e10", "--reason", "{}"], "text"),
    (["void", "e10", "-H", "{}", "--reason", "r"], "id"),
    (["record", "roth_distribution", "-H", "astra", "-p", "p", "--date", "2022-09-01", "--amount", "{}"], "money"),
    (["record", "roth_distribution", "-H", "astra", "-p", "p", "--date", "{}", "--amount", "5"], "date"),
    (["record", "roth_distribution", "-H", "astra", "-p", "p", "--date", "2022-09-01", "--amount", "5", "--disaster", "{}"], "bool"),
    (["record", "roth_distribution", "-H", "astra", "-p", "p", "--date", "2022-09-01", "--amount", "5", "--exception", "{}"], "exception"),
    (["record", "roth_distribution", "-H", "astra", "-p", "p", "--date", "2022-09-01", "--amount", "5", "--memo", "{}"], "text"),
    (["record", "roth_distribution", "-H", "astra", "-p", "p", "--date", "2022-09-01", "--amount", "5", "--id", "{}"], "id"),
    (["record", "roth_distribution", "-H", "{}", "-p", "p", "--date", "2022-09-01", "--amount", "5"], "id"),
    (["record", "roth_distribution", "-H", "astra", "-p", "{}", "--date", "2022-09-01", "--amount", "5"], "id"),
    (["record", "roth_contribution", "-H", "astra", "-p", "p", "--tax-year", "{}", "--date", "2022-03-01", "--amount", "5"], "year"),
    (["record", "tax_year_income", "-H", "astra", "-p", "p", "--tax-year", "2022", "--filing-status", "{}", "--magi", "5"], "filing_status"),
    (["record", "roth_year_end_value", "-H", "astra", "-p", "p", "--year", "2022", "--value", "{}"], "money"),
    (["record", "roth_conversion", "-H", "astra", "-p", "p", "--date", "2022-03-01", "--amount", "5", "--taxable", "{}"], "money"),
    (["record", "roth_conversion", "-H", "astra", "-p", "p", "--date", "2022-03-01", "--amount", "5", "--distributed-on", "{}"], "date"),
    (["record", "void", "-H", "astra", "--target", "{}", "--reason", "r"], "id"),
    (["record", "person", "-H", "astra", "--id", "q", "--born", "{}"], "born"),
    (["record", "person", "-H", "astra", "--id", "{}", "--born", "1970-01-01"], "id"),
    (["record", "person", "-H", "astra", "--id", "q", "--name", "{}", "--born", "1970-01-01"], "text"),
    (["record", "household", "-H", "astra", "--name", "{}"], "text"),
    (["record", "household", "-H", "{}", "--name", "N"], "id"),
    (["record", "lottery_win", "-H", "astra", "--amount", "{}"], "money"),
    (["record", "ira_distribution", "-H", "astra", "-p", "p", "--date", "2022-03-01", "--amount", "5", "--qcd", "{}"], "money"),
    (["record", "roth_inherited", "-H", "astra", "-p", "p", "--date", "2022-03-01", "--decedent", "{}"], "id"),
    (["record", "roth_inherited", "-H", "astra", "-p", "p", "--date", "2022-03-01", "--decedent", "p", "--percent", "{}"], "money"),
    (["export", "-H", "astra", "--with-history", "--format", "{}"], "choice"),
    (["heads", "--format", "{}"], "choice"),
    (["record", "form-1099r", "-H", "astra", "-p", "p", "-y", "{}", "--box1", "5", "--box7", "J", "--date", "2022-03-01"], "year"),
    (["record", "form-1099r", "-H", "astra", "-p", "p", "-y", "2022", "--box1", "{}", "--box7", "J", "--date", "2022-03-01"], "money"),
    (["record", "form-1099r", "-H", "astra", "-p", "p", "-y", "2022", "--box1", "5", "--box7", "{}", "--date", "2022-03-01"], "codes"),
    (["record", "form-1099r", "-H", "astra", "-p", "p", "-y", "2022", "--box1", "5", "--box7", "J", "--date", "{}"], "date"),
    (["record", "form-1099r", "-H", "astra", "-p", "p", "-y", "2022", "--box1", "5", "--box7", "J8", "--date", "2022-03-01", "--for-tax-year", "{}"], "year"),
    (["record", "form-1099r", "-H", "astra", "-p", "p", "-y", "2022", "--box1", "5", "--box2a", "{}", "--box7", "J", "--date", "2022-03-01"], "money"),
    (["record", "form-1099r", "-H", "astra", "-p", "p", "-y", "2022", "--box1", "5", "--box7", "J", "--date", "2022-03-01", "--payer", "{}"], "text"),
    (["record", "form-1099r", "-H", "astra", "-p", "p", "-y", "2022", "--box1", "5", "--box7", "G", "--date", "2022-03-01", "--plan", "{}"], "id"),
    (["record", "form-5498", "-H", "astra", "-p", "p", "-y", "{}", "--account", "roth", "--box10", "5", "--date", "2022-03-01"], "year"),
    (["record", "form-5498", "-H", "astra", "-p", "p", "-y", "2022", "--account", "roth", "--box10", "{}", "--date", "2022-03-01"], "money"),
    (["record", "form-5498", "-H", "astra", "-p", "p", "-y", "2022", "--account", "{}", "--box10", "5", "--date", "2022-03-01"], "choice"),
    (["record", "form-5498", "-H", "astra", "-p", "p", "-y", "2022", "--account", "ira", "--box5", "{}"], "money"),
    (["record", "form-5498", "-H", "astra", "-p", "p", "-y", "2022", "--account", "roth", "--box10", "5", "--date", "2022-03-01", "--trustee", "{}"], "text"),
    (["import", "-j", "{}", str(EXAMPLE)], "jobs"),
    (["import", "{}"], "path"),
    (["verify", "--against", "{}"], "path"),
    (["--db", "{}", "households"], "db"),
    (["--db", "{}", "report", "batch", "-y", "2022"], "db"),
    (["--db", "{}", "import", str(EXAMPLE)], "db"),
    (["--db", "{}", "db", "upgrade"], "db"),
    (["--user", "{}", "record", "person_died", "-H", "astra", "-p", "p", "--date", "2022-01-01"], "text"),
    (["events", "-H", "astra", "-o", "{}"], "outpath"),
    (["db", "backup", "-o", "{}"], "outpath"),
    (["user", "add", "{}", "--role", "client", "--household", "astra"], "id"),
    (["user", "add", "dana", "--role", "{}", "--household", "astra"], "choice"),
    (["user", "add", "dana", "--role", "client", "--household", "{}"], "id"),
    (["user", "disable", "{}"], "id"),
]  # fmt: skip

CMD_POOLS: dict[str, list[str]] = {
    **POOLS,
    "born": [d for d in DATES if d not in ("1900-01-01", "1974-12-31")],  # births from 1900
    "choice": ["", "JSON", "xml", "yaml\x00", "x" * 5000, "exact ", "4", "-1", "rothh"],
    "codes": ["ZZ", "J" * 5000, "J\x00", "", "99", "JJ8P", "é", "1e3"],
    "jobs": ["-1", "65", "1e3", "99999999999999999999999", "x", "", "２", "0x4", "4.0"],
    "path": [
        "no-such-file.yaml",
        "a\x00b.yaml",
        "/dev/null",
        "x" * 5000 + ".yaml",
        "/",
        "/proc/self/mem",
        "nofile.xml",
        "",
        "/dev/zero",
        "/dev/zero.json",
    ],  # fmt: skip
    "outpath": ["a\x00b", ""],
    "db": [
        "postgresql+psycopg://u:pw@h:notaport/db",
        "postgresql://[::1",
        "postgresql://u:pw@[bad/db",
        "mysql://u:pw@h/db",
        "sqlite:///",
        "a\x00b",
        "",
        "postgresql+psycopg://u:pw@h:99999999/db",
        "oracle+cx://x",
        "sqlite://x/y",
        " ",
        "postgresql+nosuchdriver://u@h/db",
        "postgresql://u@h:0/db",
        "sqlite://host/x.db",
        "postgresql://u@[::1/db",
        "postgresql://u@h h/db",
    ],  # fmt: skip
}


@st.composite
def hostile_command(draw):
    template, pool = draw(st.sampled_from(COMMANDS))
    value = draw(st.sampled_from(CMD_POOLS[pool]))
    if pool == "text" and template[-1] != "{}" and template[:2] == ["--user", "{}"]:
        value = draw(st.sampled_from(["a\x00b", "u" * 5000, "\ud800"]))
    argv = [value if a == "{}" else a for a in template]
    stdin = "secret-pass-1\nsecret-pass-1\n" if argv[0] == "user" else None
    codes: tuple[int, ...] = (2, 3)
    if value == "sqlite:///":
        codes = (0, 2, 3)  # an in-memory SQLite ledger: made (by a writer), used and gone
    if pool == "kind" and value in ev.INTERNAL_KINDS:
        argv[argv.index(value)] = "lottery_win"  # `events -k person_added` lists them
    return Case(argv, stdin=stdin, codes=codes, why=f"{pool}={value[:40]!r}")


@st.composite
def hostile_argv_shape(draw):
    """Command lines broken in their shape: unknown options, repeated or missing values,
    options to the wrong command, a lone surrogate from a non-UTF-8 argument."""
    base, _ = draw(st.sampled_from(COMMANDS))
    argv = [("2022" if a == "{}" else a) for a in base]
    how = draw(st.sampled_from(["unknown", "missing_value", "surrogate", "extra", "huge"]))
    if how == "unknown":
        argv.insert(draw(st.integers(0, len(argv))), draw(st.sampled_from(["--nope", "-Z", "--db=", "--user=", "---x"])))  # fmt: skip
    elif how == "missing_value":
        argv = argv[:-1] if argv[-1] != "2022" else argv + ["--as-known-on"]
        if argv[-1] not in ("--as-known-on",) and not argv[-1].startswith("-"):
            argv.append("-H")
    elif how == "surrogate":
        at = draw(st.integers(0, len(argv) - 1))
        argv[at] = argv[at] + "\udcff"
    elif how == "extra":
        argv += ["unexpected", "positional"]
    else:
        argv.append("--" + "x" * 100_000)
    stdin = "secret-pass-1\nsecret-pass-1\n" if argv[0] == "user" else None
    return Case(argv, stdin=stdin, why=how)


# --- running a case -----------------------------------------------------------------


@pytest.fixture(scope="module")
def ledger_db(tmp_path_factory):
    """One ledger holding the example household (nothing is ever stored into it)."""
    from cli.main import cli, register

    register()
    db = tmp_path_factory.mktemp("hostile") / "ledger.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    return db


def fingerprint(db: Path) -> tuple:
    """What the ledger holds: every household's head, and the users."""
    conn = sqlite3.connect(db)
    try:
        heads = conn.execute(
            "SELECT household, max(version), count(*), max(position) FROM events GROUP BY household"
        ).fetchall()
        last = conn.execute("SELECT hash FROM events ORDER BY position DESC LIMIT 1").fetchall()
        users = conn.execute("SELECT count(*) FROM users").fetchall()
        tables = conn.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall()
        return (heads, last, users, tables)
    finally:
        conn.close()


class Runner:
    def __init__(self, db: Path, workdir: Path):
        from cli.main import cli

        self.cli = cli
        self.db = db
        self.workdir = workdir
        self.before = fingerprint(db)
        self.runner = CliRunner()

    def run(self, case: Case) -> list[str]:
        """The case's problems (empty: it was refused as it must be)."""
        for name, content in case.files.items():
            path = self.workdir / name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_bytes(content.encode("utf-8", "surrogatepass"))
        argv = [str(self.workdir / a) if a in case.files else a for a in case.argv]
        env = {"ROTH_LEDGER_DB": str(self.db), "ROTH_LEDGER_USER": "tester"}
        cwd = os.getcwd()
        os.chdir(self.workdir)  # relative -o paths land here
        tracemalloc.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            result = self.runner.invoke(self.cli, argv, env=env, input=case.stdin)
        finally:
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            os.chdir(cwd)
        problems = []
        output = result.output
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            problems.append(
                f"raised {type(result.exception).__name__}: {str(result.exception)[:200]}"
            )
        if "Traceback" in output:
            problems.append("a traceback")
        if result.exit_code not in case.codes:
            problems.append(f"exit {result.exit_code}, not {case.codes}")
        if cpu > MAX_CPU_SECONDS:
            problems.append(f"took {cpu:.1f} s of CPU")
        if elapsed > MAX_WALL_SECONDS:
            problems.append(f"took {elapsed:.1f} s")
        if peak > MAX_PEAK_BYTES:
            problems.append(f"peak memory {peak / 1e6:.0f} MB")
        if len(output) > MAX_OUTPUT:
            problems.append(f"printed {len(output):,} characters")
        after = fingerprint(self.db)
        if after != self.before:
            problems.append("something was stored")
            self.before = after
        if problems:
            shown_argv = [a if len(a) < 60 else a[:40] + f"...({len(a)})" for a in argv]
            problems.append(f"argv {shown_argv!r} ({case.why}); output {output[:300]!r}")
        return problems


@pytest.fixture(scope="module")
def runner(ledger_db, tmp_path_factory):
    return Runner(ledger_db, tmp_path_factory.mktemp("hostile-files"))


def _check(runner: Runner, case: Case) -> None:
    problems = runner.run(case)
    assert not problems, "\n".join(problems)


@_settings(700)
@given(case=file_with_hostile_field())
def test_a_hostile_field_in_any_format_is_refused(runner, case):
    _check(runner, case)


@_settings(400)
@given(case=file_with_raw_snippet())
def test_hostile_yaml_and_json_values_are_refused(runner, case):
    _check(runner, case)


@_settings(300)
@given(case=hostile_shape())
def test_hostile_file_shapes_are_refused(runner, case):
    _check(runner, case)


@_settings(900)
@given(case=hostile_command())
def test_hostile_options_are_refused(runner, case):
    _check(runner, case)


@_settings(200)
@given(case=hostile_argv_shape())
def test_broken_command_lines_are_refused(runner, case):
    _check(runner, case)


# --- a few as real processes: the exit code and stderr a shell sees ------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "99999999999"],
        ["plan", "withdrawal", "-H", "astra", "-p", "p", "--date", "2023-03-01", "--amount", "1e400"],
        ["--db", "postgresql://[::1", "households"],
        [b"record", b"person_died", b"-H", b"astra", b"-p", b"p", b"--date", b"2022-01-01", b"--memo", b"caf\xe9"],
        [b"events", b"-H", b"astr\xff"],
    ],
)  # fmt: skip
def test_in_a_real_process(ledger_db, tmp_path, argv):
    import shutil

    db = tmp_path / "ledger.db"
    shutil.copy(ledger_db, db)
    os.chmod(db, 0o600)
    before = fingerprint(db)
    env = {**os.environ, "ROTH_LEDGER_DB": str(db), "ROTH_LEDGER_USER": "tester"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cli", *argv], env=env, capture_output=True, timeout=60
    )
    assert time.perf_counter() - started < 30
    assert done.returncode in (2, 3), done
    assert b"Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(b"error: ") or b"Error:" in done.stderr, done.stderr
    assert len(done.stderr.splitlines()) <= 3
    assert fingerprint(db) == before
