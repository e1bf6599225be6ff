"""Hypothesis properties of import/export (SPEC section 7, "Reliable"):

1. a bad ledger file never stores anything and never raises anything but InvalidInput
   (through the command line: a non-zero exit and no traceback); arbitrary text and bytes
   are refused the same way;
2. export -> import into an empty store reproduces the same events (ids, kinds, payloads);
3. importing the same file again adds nothing.
"""

from __future__ import annotations

import copy
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import events as ev
from ledger import yearly
from ledger.app.exporting import export_household, write_export
from ledger.app.importing import import_file
from ledger.errors import InvalidInput
from ledger.store import MemoryStore

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2)
text = st.text(
    st.characters(
        whitelist_categories=("L", "N", "Zs", "Po", "Pd"), blacklist_characters="\r\x85\u2028\u2029"
    ),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip())
day = st.dates(min_value=date(2000, 1, 1), max_value=date(2026, 12, 31))
token = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True)


def _m(value: Decimal) -> str:
    return f"{value:.2f}"


@st.composite
def contribution(draw, kind: str, person: str):
    year = draw(st.integers(2000, 2026))
    deadline = yearly.filing_deadline(year)
    span = (deadline - date(year, 1, 1)).days
    on = date(year, 1, 1) + timedelta(days=draw(st.integers(0, span)))
    out = {
        "kind": kind,
        "person": person,
        "tax_year": year,
        "date": on.isoformat(),
        "amount": _m(draw(money)),
    }
    if kind == "ira_contribution":
        out["deductible"] = draw(st.booleans())
    return out


@st.composite
def event(draw, person: str):
    kind = draw(
        st.sampled_from(
            [
                "roth_contribution",
                "ira_contribution",
                "ira_distribution",
                "ira_year_end_value",
                "roth_conversion",
                "roth_distribution",
                "plan_after_tax_contribution",
                "plan_distribution",
                "person_disabled",
            ]
        )
    )
    if kind in ("roth_contribution", "ira_contribution"):
        out = draw(contribution(kind, person))
    elif kind == "ira_year_end_value":
        out = {
            "kind": kind,
            "person": person,
            "year": draw(st.integers(2000, 2026)),
            "value": _m(draw(money) - Decimal("0.01")),
        }
    elif kind == "person_disabled":
        out = {"kind": kind, "person": person, "date": draw(day).isoformat()}
    elif kind == "plan_after_tax_contribution":
        out = {
            "kind": kind,
            "person": person,
            "plan": f"k401{person}",
            "date": draw(day).isoformat(),
            "amount": _m(draw(money)),
        }
    elif kind == "plan_distribution":
        amount = draw(money)
        to_roth = draw(st.decimals(min_value=0, max_value=amount, places=2))
        out = {
            "kind": kind,
            "person": person,
            "plan": f"k401{person}",
            "date": draw(day).isoformat(),
            "amount": _m(amount),
            "account_value": _m(amount + draw(money)),
            "separate_accounting": draw(st.booleans()),
            "to_roth_ira": _m(to_roth),
            "to_traditional_ira": "0.00",
            "to_cash": _m(amount - to_roth),
        }
    else:
        amount = draw(money)
        out = {"kind": kind, "person": person, "date": draw(day).isoformat(), "amount": _m(amount)}
        if kind == "roth_conversion" and draw(st.booleans()):
            out["taxable"] = _m(draw(st.decimals(min_value=0, max_value=amount, places=2)))
        if kind == "roth_distribution" and draw(st.booleans()):
            out["exception"] = draw(st.sampled_from(["first_home", "sepp", "medical", "death"]))
    if draw(st.booleans()):
        out["memo"] = draw(text).strip()
    return out


@st.composite
def ledgers(draw):
    people = draw(st.lists(token, min_size=1, max_size=3, unique=True))
    data: dict[str, Any] = {
        "version": 1,
        "household": {"id": draw(token), "name": draw(text).strip()},
        "people": [
            {
                "id": p,
                "name": draw(text).strip(),
                "born": draw(st.dates(date(1930, 1, 1), date(1990, 12, 31))).isoformat(),
            }
            for p in people
        ],
        "events": [],
    }
    for i in range(draw(st.integers(0, 12))):
        record = draw(event(draw(st.sampled_from(people))))
        if draw(st.booleans()):
            record = {"id": f"e{i}", **record}
        data["events"].append(record)
    ids = [e["id"] for e in data["events"] if "id" in e]
    if ids and draw(st.booleans()):
        data["events"].append(
            {"kind": "void", "target": draw(st.sampled_from(ids)), "reason": draw(text).strip()}
        )
    return data


def write_file(data: dict, fmt: str, directory: Path) -> Path:
    path = directory / f"ledger.{fmt}"
    with open(path, "w", encoding="utf-8", newline="") as stream:
        write_export(data, fmt, stream)
    return path


def facts(store, household):
    return [(s.event.id, s.event.kind, ev.to_payload(s.event)) for s in store.load(household)]


FORMAT = st.sampled_from(["yaml", "json", "csv"])


# --- 2 and 3: round trip and idempotence ---------------------------------------------


@SETTINGS
@given(data=ledgers(), fmt=FORMAT, out_fmt=FORMAT)
def test_export_import_round_trips_and_reimport_adds_nothing(data, fmt, out_fmt):
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        store = MemoryStore()
        path = write_file(data, fmt, tmp)
        result = import_file(store, path, "prop")
        household = data["household"]["id"]
        assert result.added == len(data["events"]) + len(data["people"]) + 1
        assert import_file(store, path, "prop").added == 0  # property 3
        exported = export_household(store, household)
        out = tmp / f"export.{out_fmt}"
        with open(out, "w", encoding="utf-8", newline="") as stream:
            write_export(exported, out_fmt, stream)
        fresh = MemoryStore()
        import_file(fresh, out, "prop")
        assert facts(fresh, household) == facts(store, household)  # property 2
        assert import_file(fresh, out, "prop").added == 0


# --- 1: bad files ---------------------------------------------------------------------

BAD_VALUES = ["1.001", "-5", "abc", "1e5", True, [1, 2], {"a": 1}, "", "NaN", "Infinity"]


@st.composite
def bad_ledgers(draw):
    data = copy.deepcopy(draw(ledgers()))
    if not data["events"]:
        data["events"].append(
            {
                "kind": "ira_distribution",
                "person": data["people"][0]["id"],
                "date": "2020-01-01",
                "amount": "1.00",
            }
        )
    events = data["events"]
    i = draw(st.integers(0, len(events) - 1))
    target = events[i]
    mutation = draw(
        st.sampled_from(
            [
                "amount",
                "kind",
                "field",
                "required",
                "person",
                "date",
                "dup",
                "version",
                "household",
                "void",
                "born",
            ]
        )
    )
    if mutation == "amount":
        target["amount"] = draw(st.sampled_from(BAD_VALUES))
        target.setdefault("kind", "ira_distribution")
    elif mutation == "kind":
        target["kind"] = draw(st.sampled_from(["roth", "person_added", "", "ROTH_CONVERSION"]))
    elif mutation == "field":
        target["colour"] = "red"
    elif mutation == "required":
        required = [s.name for s in ev.FIELDS[target["kind"]] if s.required]
        target.pop(draw(st.sampled_from(required)))
    elif mutation == "person" and "person" in target:
        target["person"] = "nobody_here"
    elif mutation == "date" and "date" in target:
        target["date"] = draw(st.sampled_from(["2020-02-30", "tomorrow", "2020/01/01", "20200101"]))
    elif mutation == "dup":
        events.append(dict(target, id="dup1"))
        events.append(dict(target, id="dup1"))
    elif mutation == "version":
        data["version"] = 2
    elif mutation == "household":
        del data["household"]
    elif mutation == "born":
        data["people"][0]["born"] = "1800-01-01"
    else:
        events.append({"kind": "void", "target": "no_such_event", "reason": "x"})
    return data


def _write_any(data: dict, fmt: str, path: Path) -> None:
    import json

    import yaml

    if fmt == "yaml":
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    else:
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@SETTINGS
@given(data=bad_ledgers(), fmt=st.sampled_from(["yaml", "json"]))
def test_bad_ledgers_store_nothing_and_raise_only_invalid_input(data, fmt):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"bad.{fmt}"
        _write_any(data, fmt, path)
        store = MemoryStore()
        try:
            import_file(store, path, "prop")
        except InvalidInput as exc:
            assert exc.problems and all(p.file == str(path) for p in exc.problems)
        else:
            raise AssertionError("a bad ledger was accepted")
        assert store.households() == []


garbage = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [
            b"",
            b"---",
            b"[]",
            b"{}",
            b"version: 1",
            b"null",
            b"1",
            b'"x"',
            b"a: !!python/object:os.system ls",
            b"&a [*a]",
            b"\xef\xbb\xbf",
            b"version: 1\nhousehold: h\nevents: [{kind: void}]",
        ]
    ),
)


@SETTINGS
@given(content=garbage, ext=st.sampled_from([".yaml", ".json", ".csv"]))
def test_garbage_is_refused_cleanly(content, ext):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"g{ext}"
        path.write_bytes(content)
        store = MemoryStore()
        try:
            import_file(store, path, "prop")
        except InvalidInput:
            assert store.households() == []


@settings(max_examples=25, deadline=None)
@given(data=bad_ledgers(), fmt=st.sampled_from(["yaml", "json"]))
def test_bad_ledgers_through_the_command_line(data, fmt):
    from cli.main import cli, register

    register()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"bad.{fmt}"
        _write_any(data, fmt, path)
        db = Path(tmp) / "ledger.db"
        result = CliRunner().invoke(cli, ["--db", str(db), "import", str(path)])
        assert result.exit_code != 0
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert result.output.startswith("error: ")
