"""Writing through the web: an event from the field table, a 1099-R and a 5498 box by
box, a void. Each is refused without the session's CSRF token; a refused entry shows
each problem next to its field and stores nothing; what is stored carries the user as
``recorded_by`` and leaves the hash chains clean."""

from __future__ import annotations

import json

import pytest

from ledger.app.session import open_ledger

from .conftest import cli

H = "/households/astra"


def version(ledger, household="astra") -> int:
    store = open_ledger(str(ledger))
    try:
        return store.version(household)
    finally:
        store.close()


def events(ledger, household="astra") -> list[dict]:
    done = cli(ledger, "events", "-H", household, "--format", "json")
    return json.loads(done.output)["events"]


POSTS = [
    (f"{H}/record", {"kind": "person", "id": "kid", "born": "2001-01-01"}),
    (
        f"{H}/forms/1099r",
        {
            "person": "p",
            "tax_year": "2023",
            "box1": "10",
            "box7": "J",
            "paid_on": "2023-02-01",
            "action": "record",
        },
    ),
    (
        f"{H}/forms/5498",
        {"person": "p", "tax_year": "2023", "account": "ROTH", "box5": "10", "action": "record"},
    ),
    (f"{H}/events/e1/void", {"reason": "test"}),
]


@pytest.mark.parametrize("path,data", POSTS)
@pytest.mark.parametrize("token", [None, "", "not-the-token"])
def test_every_post_is_refused_without_the_sessions_csrf_token(ledger, ana, path, data, token):
    before = version(ledger)
    sent = dict(data) if token is None else {**data, "csrf_token": token}
    done = ana.post(path, data=sent)
    assert done.status_code == 403 and "CSRF" in done.text
    assert version(ledger) == before


def test_another_users_token_is_not_this_sessions(ledger, ana, bo):
    before = version(ledger)
    done = ana.post(
        f"{H}/record",
        data={"kind": "person", "id": "kid", "born": "2001-01-01", "csrf_token": bo.csrf},
    )
    assert done.status_code == 403 and version(ledger) == before


def test_the_event_form_is_the_record_commands_fields_with_their_help(ana):
    page = ana.get(f"{H}/record?kind=roth_contribution").text
    for name in ("id", "person", "tax_year", "date", "amount", "memo", "source"):
        assert f'name="{name}"' in page
    help_text = cli_help("roth_contribution")
    assert (
        "the day it was deposited (up to the filing deadline of the next year) [date, required]"
        in page
    )
    assert "the day it was deposited (up to the filing" in help_text


def cli_help(kind: str) -> str:
    from click.testing import CliRunner

    from cli.main import cli as group
    from cli.main import register

    register()
    return CliRunner().invoke(group, ["record", kind, "--help"]).output


def test_a_bad_event_shows_each_problem_at_its_field_and_stores_nothing(ledger, ana):
    before = version(ledger)
    page = ana.post(
        f"{H}/record",
        data={
            "csrf_token": ana.csrf,
            "kind": "roth_contribution",
            "person": "p",
            "tax_year": "20x",
            "date": "2023-13-01",
            "amount": "abc",
        },
    )
    assert page.status_code == 400 and version(ledger) == before
    # the same messages as `record` prints (tests/test_errors_golden.py has them)
    assert (
        '<div class="problem" id="p-tax_year">tax_year: &#39;20x&#39; is not a year</div>'
        in page.text
    )
    assert 'id="p-date">date: &#39;2023-13-01&#39; is not a valid date' in page.text
    assert 'id="p-amount">amount: &#39;abc&#39; is not a number' in page.text
    assert 'value="abc"' in page.text  # what was typed is kept


def test_an_event_recorded_on_the_web_carries_the_user(ledger, ana):
    done = ana.post(
        f"{H}/record",
        data={
            "csrf_token": ana.csrf,
            "kind": "roth_contribution",
            "person": "p",
            "tax_year": "2023",
            "date": "2023-03-01",
            "amount": "500",
            "source": "5498 web",
        },
    )
    assert done.status_code == 303
    new = events(ledger)[-1]
    assert (new["kind"], new["recorded_by"], new["fields"]["amount"]) == (
        "roth_contribution",
        "ana",
        "500.00",
    )
    assert new["id"] in done.headers["location"]


def test_a_1099r_box_by_box_is_recorded_as_record_form_1099r_would(ledger, ana, tmp_path):
    page = ana.get(f"{H}/forms/1099r").text
    for box in ("box1", "box2a", "box7", "paid_on", "roth_ira", "exception"):
        assert f'name="{box}"' in page
    data = {
        "person": "p",
        "tax_year": "2023",
        "box1": "2500",
        "box2a": "0",
        "box7": "J",
        "paid_on": "2023-07-01",
        "payer": "Fidelity",
    }
    preview = ana.post(
        f"{H}/forms/1099r", data={**data, "csrf_token": ana.csrf, "action": "preview"}
    )
    assert (
        preview.status_code == 200 and "would record <code>roth_distribution</code>" in preview.text
    )
    before = version(ledger)
    done = ana.post(f"{H}/forms/1099r", data={**data, "csrf_token": ana.csrf, "action": "record"})
    assert done.status_code == 303 and version(ledger) == before + 1
    web = events(ledger)[-1]
    assert web["recorded_by"] == "ana"
    # the same boxes through the command line, on a copy of the ledger before: same event
    dry = cli(
        ledger,
        "record",
        "form-1099r",
        "-H",
        "astra",
        "-p",
        "p",
        "--tax-year",
        "2023",
        "--box1",
        "2500",
        "--box2a",
        "0",
        "--box7",
        "J",
        "--date",
        "2023-07-01",
        "--payer",
        "Fidelity",
        "--dry-run",
    )
    assert dry.exit_code == 0
    shown = " ".join(
        f"{k}={v}" for k, v in web["fields"].items() if k not in ("person", "source", "memo")
    )
    assert f"would record roth_distribution {shown}" in dry.output


def test_a_refused_1099r_says_why_at_the_box_and_stores_nothing(ledger, ana):
    before = version(ledger)
    page = ana.post(
        f"{H}/forms/1099r",
        data={
            "csrf_token": ana.csrf,
            "person": "p",
            "tax_year": "2023",
            "box1": "12x",
            "box7": "J",
            "action": "record",
        },
    )
    assert page.status_code == 400 and 'id="p-box1">box1:' in page.text
    page = ana.post(
        f"{H}/forms/1099r",
        data={
            "csrf_token": ana.csrf,
            "person": "p",
            "tax_year": "2023",
            "box1": "100",
            "box7": "J",
            "action": "record",
        },
    )
    assert (
        page.status_code == 400
        and 'id="p-paid_on">paid_on: the distribution date is not on Form 1099-R' in page.text
    )
    page = ana.post(
        f"{H}/forms/1099r",
        data={
            "csrf_token": ana.csrf,
            "person": "p",
            "tax_year": "2023",
            "box1": "100",
            "box7": "JQ",
            "paid_on": "2023-02-01",
            "action": "record",
        },
    )
    assert page.status_code == 400 and 'id="p-box7">box7:' in page.text
    assert version(ledger) == before


def test_a_5498_preview_stores_nothing_and_record_stores_it(ledger, ana):
    data = {
        "csrf_token": ana.csrf,
        "person": "p",
        "tax_year": "2023",
        "account": "ROTH",
        "box10": "1000",
        "deposit": "2023-04-01",
        "box5": "5100.25",
    }
    before = version(ledger)
    preview = ana.post(f"{H}/forms/5498", data={**data, "action": "preview"})
    assert preview.status_code == 200 and version(ledger) == before
    assert "roth_contribution" in preview.text and "roth_year_end_value" in preview.text
    assert ana.post(f"{H}/forms/5498", data={**data, "action": "record"}).status_code == 303
    kinds = [e["kind"] for e in events(ledger)[-2:]]
    assert sorted(kinds) == ["roth_contribution", "roth_year_end_value"]


def test_void_with_a_reason(ledger, ana):
    target = [e for e in events(ledger) if e["kind"] == "roth_contribution"][-1]["id"]
    refused = ana.post(f"{H}/events/{target}/void", data={"csrf_token": ana.csrf, "reason": " "})
    assert refused.status_code == 400 and "reason" in refused.text
    done = ana.post(
        f"{H}/events/{target}/void", data={"csrf_token": ana.csrf, "reason": "entered twice"}
    )
    assert done.status_code == 303
    void = events(ledger)[-1]
    assert (void["kind"], void["fields"]["target"], void["recorded_by"]) == ("void", target, "ana")
    page = ana.get(H).text
    assert f"voided by <code>{void['id']}</code>" in page


def test_a_client_cannot_void_another_households_event(ledger, ana):
    before = version(ledger, "other")
    done = ana.post(
        "/households/other/events/o1/void", data={"csrf_token": ana.csrf, "reason": "x"}
    )
    assert done.status_code == 404 and version(ledger, "other") == before
    done = ana.post(f"{H}/events/o1/void", data={"csrf_token": ana.csrf, "reason": "x"})
    assert done.status_code == 400 and version(ledger, "other") == before


def test_a_new_clients_household_starts_from_the_web(app, ledger):
    from .conftest import sign_in

    assert (
        cli(
            ledger,
            "user",
            "add",
            "new",
            "--role",
            "client",
            "-H",
            "fresh",
            input="new-password-1\n",
        ).exit_code
        == 0
    )
    new = sign_in(app, "new", "new-password-1")
    page = new.get("/households/fresh")
    assert page.status_code == 200 and "Nothing is recorded" in page.text
    post = {"csrf_token": new.csrf}
    assert (
        new.post(
            "/households/fresh/record", data={**post, "kind": "household", "name": "Fresh Start"}
        ).status_code
        == 303
    )
    assert (
        new.post(
            "/households/fresh/record",
            data={**post, "kind": "person", "id": "f", "born": "1990-02-03"},
        ).status_code
        == 303
    )
    assert "Fresh Start" in new.get("/households/fresh").text
    assert {e["recorded_by"] for e in events(ledger, "fresh")} == {"new"}


def test_verify_is_clean_after_the_web_wrote(ledger):
    done = cli(ledger, "verify")
    assert done.exit_code == 0, done.output


def test_a_preparer_writes_into_any_household_as_themselves(ledger, prep):
    done = prep.post(
        "/households/other/record",
        data={
            "csrf_token": prep.csrf,
            "kind": "roth_year_end_value",
            "person": "q",
            "year": "2022",
            "value": "5200",
        },
    )
    assert done.status_code == 303
    new = events(ledger, "other")[-1]
    assert (new["kind"], new["recorded_by"]) == ("roth_year_end_value", "prep")
    assert (
        prep.post(
            "/households/nowhere/record",
            data={"csrf_token": prep.csrf, "kind": "household", "name": "x"},
        ).status_code
        == 404
    )


@pytest.mark.parametrize("path,data", POSTS)
def test_a_client_posting_to_another_household_gets_404_and_nothing_changes(ledger, bo, path, data):
    before = version(ledger)
    done = bo.post(path, data={**data, "csrf_token": bo.csrf})
    assert done.status_code == 404 and version(ledger) == before


@pytest.mark.parametrize("slug,command", [("5498", "form-5498"), ("1099r", "form-1099r")])
def test_the_tax_forms_ask_for_every_box_the_command_takes_in_its_words(ana, slug, command):
    from markupsafe import escape

    from cli.main import cli as group
    from cli.main import register

    register()
    options = {
        p.name: p.help
        for p in group.commands["record"].commands[command].params
        if p.name not in ("household", "person", "tax_year", "dry_run")
    }
    page = ana.get(f"{H}/forms/{slug}").text
    for name, help_text in options.items():
        assert f'name="{name}"' in page, name
        assert str(escape(help_text)) in page, name


def test_a_preparer_opens_a_new_clients_household(ledger, prep, ana):
    post = {"csrf_token": prep.csrf, "household": "newco", "name": "New & <Co>"}
    assert (
        prep.post(
            "/desk/households", data={k: v for k, v in post.items() if k != "csrf_token"}
        ).status_code
        == 403
    )
    done = prep.post("/desk/households", data=post)
    assert done.status_code == 303 and done.headers["location"] == "/households/newco"
    assert "New &amp; &lt;Co&gt;" in prep.get("/households/newco").text
    assert events(ledger, "newco")[0]["recorded_by"] == "prep"
    assert prep.post("/desk/households", data=post).status_code == 400  # taken
    assert (
        ana.post(
            "/desk/households", data={**post, "household": "x", "csrf_token": ana.csrf}
        ).status_code
        == 404
    )


def test_a_1099r_preview_warns_of_the_distribution_already_entered(ledger, ana):
    """Issue 12 item 6 in the browser: the preview of a 1099-R whose distribution (person,
    date, amount) is already recorded names the stored event (nothing is refused)."""
    data = {
        "person": "p",
        "tax_year": "2023",
        "box1": "2500",
        "box2a": "0",
        "box7": "J",
        "paid_on": "2023-07-01",
    }
    done = ana.post(f"{H}/forms/1099r", data={**data, "csrf_token": ana.csrf, "action": "record"})
    assert done.status_code == 303
    first = events(ledger)[-1]["id"]
    preview = ana.post(
        f"{H}/forms/1099r", data={**data, "csrf_token": ana.csrf, "action": "preview"}
    )
    assert preview.status_code == 200
    assert "warning: p: 2023: possible duplicate roth_distribution" in preview.text
    assert first in preview.text


def test_nothing_is_written_into_a_changed_household(tmp_path):
    """A row of astra changed behind the program's back (triggers dropped): every write
    of the web into astra is refused with the event named, as the command line refuses
    it (exit 6), and stores nothing; its report is refused so too."""
    import html
    import sqlite3

    from ledger.web.app import create_app

    from .conftest import make_ledger, sign_in

    db = make_ledger(tmp_path)
    con = sqlite3.connect(db)
    con.executescript(
        "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; "
        "UPDATE events SET recorded_by = 'mallory' WHERE household = 'astra' AND version = 3;"
    )
    con.close()
    app = create_app(str(db))
    try:
        ana = sign_in(app, "ana")
        before = version(db)
        for path, data in [
            *POSTS,
            (
                f"{H}/record",
                {
                    "kind": "roth_contribution",
                    "person": "p",
                    "tax_year": "2023",
                    "date": "2023-03-01",
                    "amount": "500",
                },
            ),
            (f"{H}/people/p/basis", None),
        ]:
            if data is None:
                done = ana.get(path)
            else:
                done = ana.post(path, data={**data, "csrf_token": ana.csrf})
            assert done.status_code == 409, (path, done.status_code)
            named = "household 'astra': event 'e1' (version 3): hash mismatch"
            assert named in html.unescape(done.text), path
            assert version(db) == before, path
    finally:
        app.state.store.close()
