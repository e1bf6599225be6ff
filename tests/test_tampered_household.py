"""A broken household never yields a figure and never takes the others down (issue 14,
item 5): a row changed behind the program's back (the sqlite3 shell, triggers dropped)
makes that household's reports refuse with exit 6 naming the event, the batch reports it
as broken and goes on with the others, and ``verify`` reports it as tampering (exit 6),
never a traceback."""

from __future__ import annotations

import json
import sqlite3

import pytest

TAMPERING = {
    "an edited amount": "UPDATE events SET payload = replace(payload, '48000', '4800') "
    "WHERE household = 'astra' AND kind = 'roth_distribution'",
    "a non-JSON payload": "UPDATE events SET payload = 'not json' "
    "WHERE household = 'astra' AND version = 3",
    "an unknown kind": "UPDATE events SET kind = 'lottery_win' "
    "WHERE household = 'astra' AND version = 3",
    "a garbage recorded_at": "UPDATE events SET recorded_at = 'yesterday-ish' "
    "WHERE household = 'astra' AND version = 3",
    "a non-numeric amount": 'UPDATE events SET payload = replace(payload, \'"amount":"\', '
    "'\"amount\":\"x') WHERE household = 'astra' AND version = 3",
    "a middle row deleted": "DELETE FROM events WHERE household = 'astra' AND version = 5",
    # SQLite keeps text in an INTEGER column: the hashed document's numbers cannot be read
    "a text schema_version": "UPDATE events SET schema_version = '' "
    "WHERE household = 'astra' AND version = 3",
    "a text tax_year": "UPDATE events SET tax_year = 'x' WHERE household = 'astra' AND version = 3",
    # deeper than json's decoder recurses (RecursionError, not ValueError)
    "a payload nested past the decoder's depth": "UPDATE events SET payload = "
    "'{\"a\":' || replace(hex(zeroblob(50000)), '00', '[') || '}' "
    "WHERE household = 'astra' AND version = 3",
}
#: the event each tampering breaks first (verify's words: version and id)
BROKEN_AT = {
    "an edited amount": "event 'e10' (version 12)",
    "a middle row deleted": "event 'e4' (version 6)",
}


@pytest.fixture
def two_households(run, tmp_path):
    other = tmp_path / "other.yaml"
    text = open("ledger/examples/astra-2022.yaml", encoding="utf-8").read()
    other.write_text(text.replace("id: astra", "id: bora"), encoding="utf-8")
    assert run("import", "ledger/examples/astra-2022.yaml").exit_code == 0
    assert run("import", other).exit_code == 0
    return tmp_path / "ledger.db"


def _tamper(db, statement):
    conn = sqlite3.connect(db)
    conn.executescript(
        "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;" + statement + ";"
    )
    conn.close()


@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_one_tampered_household(run, two_households, how):
    _tamper(two_households, TAMPERING[how])
    where = BROKEN_AT.get(how, "event 'e1' (version 3)")
    # every report of the household refuses, naming the event, in one line
    for args in (
        ["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022"],
        ["report", "basis", "-H", "astra", "-p", "p"],
        ["plan", "ladder", "-H", "astra", "-p", "p"],
        ["export", "-H", "astra"],  # never a ledger file another ledger would take as genuine
    ):
        report = run(*args)
        assert report.exit_code == 6, (args, report.output)
        assert f"household 'astra': {where}" in report.output, report.output
        assert len(report.output.strip().splitlines()) == 1
    untouched = run("report", "withdrawals", "-H", "bora", "-p", "p", "-y", "2022")
    assert untouched.exit_code == 0, untouched.output
    # the batch reports astra as broken, with no figure, and goes on with bora
    jobs = ["--jobs", "2"] if how == "an edited amount" else []  # the parallel path too
    batch = run("report", "batch", "-y", "2022", "--format", "json", *jobs)
    assert batch.exit_code == 0, batch.output
    rows = {r["household"]: r for r in json.loads(batch.output)}
    assert rows["astra"]["error"].startswith(f"broken: {where}: "), rows["astra"]
    assert rows["astra"]["distributions"] in ("", None), rows["astra"]
    assert rows["bora"]["distributions"] == "48000.00" and not rows["bora"]["error"]
    # verify: tampering (exit 6), astra named, bora not
    verify = run("verify")
    assert verify.exit_code == 6, verify.output
    assert f"household 'astra': {where}" in verify.output and "bora" not in verify.output
    events = run("events", "-H", "astra")  # the history is not listed as if genuine
    assert events.exit_code == 6, events.output
    assert f"household 'astra': {where}" in events.output
