"""A household whose hash chain was changed behind the program's back (the sqlite3 shell,
triggers dropped): the web refuses it as the command line does (exit 6, the broken event
named) -- every page and every write of that household answers 409 with a page that says
what is wrong (the event) and what to do (`roth-ledger verify`), never a bare server
error; nothing is stored; the other households are served as before."""

from __future__ import annotations

import html
import json
import sqlite3

import pytest

from .conftest import make_ledger

BROKEN = "household 'astra': event 'e10' (version 12): hash mismatch"
H = "/households/astra"
PAGES = [
    H,
    f"{H}?tax_year=2022",
    f"{H}/forms/5498",
    f"{H}/forms/1099r",
    f"{H}/people/p/basis",
    f"{H}/people/p/plan",
    f"{H}/people/p/plan?date=2023-03-01",
    f"{H}/people/p/reports/withdrawals?tax_year=2022",
    f"{H}/people/p/reports/withdrawals.html?tax_year=2022",
    f"{H}/people/p/reports/form8606?tax_year=2022&explain=1",
]
WRITES = [
    (f"{H}/record", {"kind": "roth_contribution", "person": "p", "tax_year": "2023",
                     "date": "2023-03-01", "amount": "500"}),
    (f"{H}/record", {"kind": "person", "id": "kid", "born": "2001-01-01"}),
    (f"{H}/forms/5498", {"person": "p", "tax_year": "2023", "account": "ROTH", "box5": "10",
                         "action": "record"}),
    (f"{H}/forms/5498", {"person": "p", "tax_year": "2023", "account": "ROTH", "box5": "10",
                         "action": "preview"}),
    (f"{H}/forms/1099r", {"person": "p", "tax_year": "2023", "box1": "10", "box7": "J",
                          "paid_on": "2023-02-01", "action": "record"}),
    (f"{H}/events/e1/void", {"reason": "entered twice"}),
]  # fmt: skip


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    db = make_ledger(tmp_path_factory.mktemp("tampered"))
    con = sqlite3.connect(db)
    con.executescript(
        "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; "
        "UPDATE events SET payload = replace(payload, '48000', '4800') "
        "WHERE household = 'astra' AND kind = 'roth_distribution';"
    )
    con.close()
    return db


def rows(db) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT * FROM events ORDER BY position").fetchall()
    finally:
        con.close()


def says_what_and_what_to_do(response) -> None:
    assert response.status_code == 409, (response.status_code, response.text[-400:])
    text = html.unescape(response.text)
    assert BROKEN in text
    assert "changed outside roth-ledger" in text
    assert "roth-ledger verify" in text
    assert "Nothing was stored" in text
    assert ">500<" not in text and "Internal Server Error" not in text


@pytest.mark.parametrize("who", ["ana", "prep"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_of_the_household_says_what_is_wrong(request, who, path):
    says_what_and_what_to_do(request.getfixturevalue(who).get(path))


@pytest.mark.parametrize("who", ["ana", "prep"])
@pytest.mark.parametrize("path, data", WRITES)
def test_every_write_is_refused_and_stores_nothing(request, ledger, who, path, data):
    c = request.getfixturevalue(who)
    before = rows(ledger)
    done = c.post(path, data={**data, "csrf_token": c.csrf})
    says_what_and_what_to_do(done)
    assert rows(ledger) == before


def test_the_api_answers_409_with_the_cli_message(ana):
    done = ana.get("/api/households/astra/reports/withdrawals?person=p&tax_year=2022")
    assert done.status_code == 409
    error = json.loads(done.text)["error"]
    assert error.startswith(BROKEN) and "roth-ledger verify" in error


def test_the_other_households_are_served(bo, prep):
    assert bo.get("/households/other").status_code == 200
    report = prep.get("/households/other/people/q/reports/withdrawals?tax_year=2022")
    assert report.status_code == 200
    desk = prep.get("/desk?tax_year=2022")  # the desk goes on, naming astra as broken
    assert desk.status_code == 200 and BROKEN in html.unescape(desk.text)
