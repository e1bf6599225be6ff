"""Every report says what it was computed from (issue 12 item 4): JSON, table, CSV and
HTML carry ``ledger_state`` -- the --as-known-on date used (or "now"), each household's
head version and hash, and when the report was made. The head is checked against the
stored chain (``store.load``), not against the report's own code."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "ledger" / "examples" / "astra-2022.yaml"
REPORTS = [
    ["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022"],
    ["report", "form8606", "-H", "astra", "-p", "p", "-y", "2022"],
    ["report", "form5329", "-H", "astra", "-p", "p", "-y", "2022"],
    ["report", "year", "-H", "astra", "-p", "p", "-y", "2022"],
    ["report", "basis", "-H", "astra", "-p", "p", "--as-of", "2022-12-31"],
    ["plan", "withdrawal", "-H", "astra", "-p", "p", "--date", "2023-03-01"],
    ["plan", "ladder", "-H", "astra", "-p", "p", "--as-of", "2022-12-31"],
]


@pytest.fixture
def ledger(run, tmp_path):
    db = tmp_path / "ledger.db"
    assert run("--db", db, "import", EXAMPLE).exit_code == 0
    from ledger.store import open_store

    store = open_store(str(db), read_only=True)
    try:
        stored = store.load("astra")
    finally:
        store.close()
    return db, stored[-1].version, stored[-1].hash


@pytest.mark.parametrize("argv", REPORTS, ids=" ".join)
def test_json_carries_the_ledger_state(run, ledger, argv):
    db, version, hash_ = ledger
    before = datetime.now(UTC).replace(microsecond=0)
    result = run("--db", db, *argv, "--format", "json")
    assert result.exit_code == 0, result.output
    state = json.loads(result.output)["ledger_state"]
    assert state["as_known_on"] == "now"
    assert state["heads"] == [{"household": "astra", "version": version, "hash": hash_}]
    made = datetime.fromisoformat(state["generated_at"].replace("Z", "+00:00"))
    assert before <= made <= datetime.now(UTC)


@pytest.mark.parametrize("argv", REPORTS, ids=" ".join)
def test_table_and_csv_carry_the_ledger_state(run, ledger, argv):
    db, version, hash_ = ledger
    table = run("--db", db, *argv).output
    assert "Ledger as known on now" in table
    assert f"household astra at version {version}" in table and hash_ in table
    csv_text = run("--db", db, *argv, "--format", "csv").output
    assert hash_ in csv_text and "now" in csv_text


def test_as_known_on_is_the_head_of_that_day(run, ledger):
    db, version, hash_ = ledger
    today = date.today().isoformat()
    argv = ["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022", "--format", "json"]
    state = json.loads(run("--db", db, *argv, "--as-known-on", today).output)["ledger_state"]
    assert state["as_known_on"] == today
    assert state["heads"][0]["version"] == version
    run("--db", db, "void", "e1", "--reason", "test of the head")
    now = json.loads(run("--db", db, *argv).output)["ledger_state"]
    assert now["heads"][0]["version"] == version + 1 and now["heads"][0]["hash"] != hash_


def test_html_page_carries_the_ledger_state(run, ledger):
    db, version, hash_ = ledger
    argv = ["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022", "--format", "html"]
    page = run("--db", db, *argv).output
    assert re.search(r'id="as-known-on">now<', page)
    assert f'class="head-version">{version}<' in page and hash_ in page
    assert 'id="generated-at">' in page


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_batch_rows_carry_the_ledger_state(run, ledger, fmt):
    db, version, hash_ = ledger
    out = run("--db", db, "report", "batch", "-y", "2022", "--format", fmt).output
    if fmt == "json":
        [row] = json.loads(out)
        assert (row["ledger_version"], row["ledger_hash"], row["as_known_on"]) == (
            version,
            hash_,
            "now",
        )
    elif fmt == "csv":
        assert f",{version},{hash_},now," in out
    else:
        assert "ledger as known on now" in out


def test_a_household_recorded_after_the_as_known_on_day_is_said_so(run, ledger):
    # every event of the ledger was recorded today: as known on yesterday the household
    # did not exist, and the message used to list it among the households it names
    db, _, _ = ledger
    day = (date.today() - timedelta(days=1)).isoformat()
    argv = ["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022"]
    result = run("--db", db, *argv, "--as-known-on", day)
    assert result.exit_code != 0
    assert (
        f"no household 'astra' in the ledger as known on {day}: its events were recorded "
        "after that day (give a later --as-known-on)"
    ) in result.output
    assert "households:" not in result.output
