"""The import's limit warnings (ledger.projections.limits.contribution_warnings: in_force
skipped when no event is a void, each year's plan limits looked up once) are those of the
reference (tests/reference_limits.py: in_force always, the limits per (person, year)), in
words and order, on generated households with duplicates, voids (and voids of voids),
over-limit IRA and plan contributions, 529-to-Roth rollovers and recharacterizations;
for the whole ledger and for one (person, year) as ``record`` asks."""

from __future__ import annotations

import copy
import json
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import events as ev
from ledger.app.importing import _people
from ledger.ledgerfile import parse_ledger_file
from ledger.projections.duplicates import duplicate_warnings
from ledger.projections.limits import contribution_warnings
from ledger.voids import in_force

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from generate import household  # noqa: E402

from .reference_limits import reference_contribution_warnings  # noqa: E402


@st.composite
def ledgers(draw) -> dict:
    data = household(draw(st.integers(0, 10_000)), draw(st.integers(5, 40)))
    events = data["events"]
    people = [p["id"] for p in data["people"]]
    n = len(events)

    def fresh() -> str:
        nonlocal n
        n += 1
        return f"x{n}"

    money = [e for e in events if "amount" in e and e["kind"] != "plan_distribution"]
    for e in draw(st.lists(st.sampled_from(money), max_size=4)) if money else []:
        twin = copy.deepcopy(e)  # the same movement entered twice
        twin["id"] = fresh()
        events.append(twin)
    given = [e for e in events if e["kind"] in ("roth_contribution", "ira_contribution")]
    for e in draw(st.lists(st.sampled_from(given), max_size=3)) if given else []:
        e["amount"] = f"{draw(st.integers(7_000, 90_000))}.00"  # over a limit, or near
    for _ in range(draw(st.integers(0, 4))):
        person, year = draw(st.sampled_from(people)), draw(st.integers(2005, 2026))
        events.append(
            {
                "id": fresh(),
                "kind": "plan_roth_contribution",
                "person": person,
                "plan": f"k{person}",
                "tax_year": year,
                "date": f"{year}-06-01",
                "amount": f"{draw(st.integers(1_000, 40_000))}.00",
                "employer": year >= 2023 and draw(st.booleans()),
            }
        )
    for _ in range(draw(st.integers(0, 3))):
        person, year = draw(st.sampled_from(people)), draw(st.integers(2024, 2026))
        events.append(
            {
                "id": fresh(),
                "kind": "roth_529_rollover",
                "person": person,
                "date": f"{year}-03-01",
                "tax_year": year,
                "amount": f"{draw(st.integers(1_000, 20_000))}.00",
            }
        )
    roth = [e for e in events if e["kind"] == "roth_contribution"]
    if roth and draw(st.booleans()):
        target = draw(st.sampled_from(roth))
        events.append(
            {
                "id": fresh(),
                "kind": "recharacterization",
                "person": target["person"],
                "date": target["date"],
                "target": target["id"],
                "amount": target["amount"],
            }
        )
    for _ in range(draw(st.integers(0, 4))):
        target = draw(st.sampled_from([e["id"] for e in events]))
        events.append({"id": fresh(), "kind": "void", "target": target, "reason": "test"})
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=ledgers(), pick=st.randoms(use_true_random=False))
def test_limit_warnings_are_the_reference(data, pick):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "h.json"
        path.write_text(json.dumps(data))
        events = list(parse_ledger_file(path).all_events())
    live = in_force(events)
    people = _people(live)
    fast = contribution_warnings(people, events)
    assert fast == reference_contribution_warnings(people, events)
    assert contribution_warnings(people, iter(events)) == fast  # any iterable
    # the import's warnings: these and the duplicates', as _plan joins them
    assert fast + duplicate_warnings(live) == (
        reference_contribution_warnings(people, events) + duplicate_warnings(live)
    )
    dated = [e for e in events if getattr(e, "person", None) and e.effective_tax_year]
    if dated:
        e = pick.choice(dated)
        only = (e.person, e.effective_tax_year)
        assert contribution_warnings(people, events, only=only) == (
            reference_contribution_warnings(people, events, only=only)
        )


def test_a_void_takes_an_over_limit_contribution_out():
    """Guards the skip: with the void the warning goes, without it (no void) it stays."""
    data = household(1, 10)
    big = next(e for e in data["events"] if e["kind"] == "roth_contribution")
    big["amount"] = "90000.00"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "h.json"
        path.write_text(json.dumps(data))
        plain = list(parse_ledger_file(path).all_events())
        data["events"].append({"id": "v", "kind": "void", "target": big["id"], "reason": "x"})
        path.write_text(json.dumps(data))
        voided = list(parse_ledger_file(path).all_events())
    assert ev.Void in map(type, voided)
    people = _people(plain)
    over = [w for w in contribution_warnings(people, plain) if "90,000.00" in w]
    assert over and over == [
        w for w in reference_contribution_warnings(people, plain) if "90,000.00" in w
    ]
    assert not [w for w in contribution_warnings(people, voided) if "90,000.00" in w]
