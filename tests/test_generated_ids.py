"""Issue 12 item 8: generated ids are short and readable -- ``rc-2022-03-01-7f3a``: the
kind's prefix, the event's date (or year), four hash digits -- and stay deterministic, so
importing a file again adds nothing; a collision takes more digits, the same way every
time; ids stored before (``roth-0936e8211ed3``) stay valid. Through the command line."""

from __future__ import annotations

import json
import re
from itertools import count

import yaml

from ledger import events as ev
from ledger.ledgerfile import parse_ledger_file
from ledger.ledgerfile.validate import TOKEN

HEAD = "version: 1\nhousehold: {id: h, name: H}\npeople:\n- {id: p, name: P, born: 1970-01-01}\n"
CONTRIBUTION = "{kind: roth_contribution, person: p, tax_year: 2022, date: 2022-03-01, amount: %s}"


def ledger_file(tmp_path, name: str, *events: str):
    path = tmp_path / name
    path.write_text(HEAD + "events:\n" + "".join(f"- {e}\n" for e in events), encoding="utf-8")
    return path


def stored_ids(run) -> list[str]:
    out = run("events", "-H", "h", "--format", "json").output
    return [
        e["id"]
        for e in json.loads(out)["events"]
        if e["kind"] not in ("household_named", "person_added")
    ]


def test_generated_ids_are_short_readable_and_stable(run, tmp_path, monkeypatch):
    f = ledger_file(
        tmp_path,
        "h.yaml",
        CONTRIBUTION % 6000,
        CONTRIBUTION % 6000,  # the same deposit twice: two events, two ids
        "{kind: roth_conversion, person: p, date: 2022-05-01, amount: 1000}",
        "{kind: ira_year_end_value, person: p, year: 2022, value: 0}",
        "{kind: roth_distribution, person: p, date: 2022-09-01, amount: 500}",
    )
    assert "imported 7 events" in run("import", f).output  # and the household, the person
    ids = stored_ids(run)
    assert [re.sub(r"-[0-9a-f]{4}$", "", i) for i in ids] == [
        "rc-2022-03-01",
        "rc-2022-03-01",
        "conv-2022-05-01",
        "iyear-2022",
        "rd-2022-09-01",
    ]
    assert len(set(ids)) == 5 and all(re.search(r"-[0-9a-f]{4}$", i) for i in ids)
    assert "imported 0 events (7 already stored)" in run("import", f).output
    # another ledger, the same file: the same ids
    monkeypatch.setenv("ROTH_LEDGER_DB", str(tmp_path / "other.db"))
    run("import", f)
    assert stored_ids(run) == ids
    # the events table prints them whole, and void takes them
    table = run("events", "-H", "h").output
    assert all(f" {i} " in table for i in ids)
    done = run("void", ids[-1], "--reason", "entered twice")
    void_id = re.search(r"void event (\S+)\)", done.output).group(1)
    assert re.fullmatch(rf"void-{re.escape(ids[-1])}-[0-9a-f]{{4}}", void_id), void_id


def test_every_kind_has_its_own_prefix_and_ids_fit_a_file():
    prefixes = [ev.id_prefix(k) for k in ev.FILE_KINDS]  # a kind added later: its initials
    assert len(set(prefixes)) == len(prefixes), prefixes
    assert len(set(ev.ID_PREFIX.values())) == len(ev.ID_PREFIX)
    never = lambda _id: False  # noqa: E731
    always = lambda _id: True  # noqa: E731 -- every short form taken: the longest form
    for target in ("e1", "x" * 64, "household:1d4cb09b", "person:p:8c060269"):
        for taken in (never, always):
            i = ev.generated_id("void", {"target": target, "reason": "r"}, 0, taken)
            assert TOKEN.match(i) and len(i) <= ev.MAX_ID, i


def _colliding_amounts() -> tuple[int, int]:
    """Two contribution amounts whose generated ids share their four digits (found by
    search: 65,536 values, so a pair turns up within a few hundred)."""
    seen: dict[str, int] = {}
    never = lambda _id: False  # noqa: E731
    for amount in count(1):
        payload = {
            "amount": f"{amount}.00",
            "date": "2022-03-01",
            "person": "p",
            "tax_year": 2022,
        }
        i = ev.generated_id("roth_contribution", payload, 0, never)
        if i in seen:
            return seen[i], amount
        seen[i] = amount
    raise AssertionError  # pragma: no cover


def test_a_collision_takes_more_digits_the_same_way_every_time(run, tmp_path):
    a, b = _colliding_amounts()
    first = ledger_file(tmp_path, "a.yaml", CONTRIBUTION % a)
    second = ledger_file(tmp_path, "b.yaml", CONTRIBUTION % b)
    run("import", first)
    run("import", second)  # its short id is held by the other contribution
    short, longer = stored_ids(run)
    assert re.fullmatch(r"rc-2022-03-01-[0-9a-f]{4}", short)
    assert re.fullmatch(r"rc-2022-03-01-[0-9a-f]{6}", longer) and longer.startswith(short)
    for f in (first, second):  # again: nothing added, nothing refused
        done = run("import", f)
        assert done.exit_code == 0 and "imported 0 events (3 already stored)" in done.output
    # both in one file: the second takes the longer id, on every import
    both = ledger_file(tmp_path, "ab.yaml", CONTRIBUTION % a, CONTRIBUTION % b)
    assert "imported 0 events (4 already stored)" in run("import", both).output


def test_ids_stored_before_stay_valid(run, tmp_path):
    """A ledger filled before ids were made readable holds ``content_id`` ids; the same
    file (without ids) imported again finds its events under them: nothing added."""
    written = [
        CONTRIBUTION % 6000,
        CONTRIBUTION % 6000,
        "{kind: roth_distribution, person: p, date: 2022-09-01, amount: 500}",
    ]
    new = ledger_file(tmp_path, "new.yaml", *written)
    with_old_ids = []
    seen: dict[str, int] = {}
    for raw, parsed in zip(written, parse_ledger_file(new).events):
        # what the old import gave them: kind[:4] + 12 digits of the same hash input
        payload = ev.to_payload(parsed)
        key = parsed.kind + ev.canonical_json(payload)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        with_old_ids.append(
            {"id": ev.content_id(parsed.kind, payload, occurrence), **yaml.safe_load(raw)}
        )
    old = tmp_path / "old.yaml"
    old.write_text(HEAD + yaml.safe_dump({"events": with_old_ids}, sort_keys=False))
    run("import", old)
    before = stored_ids(run)
    assert before[0].startswith("roth-") and len(before[0]) == len("roth-") + 12
    assert "imported 0 events (5 already stored)" in run("import", new).output
    assert stored_ids(run) == before
