"""The web desk on a firm's PostgreSQL ledger: sign-in, sessions and lock-out counts in
the server's tables, an entry recorded with its user, the API equal to the command line."""

from __future__ import annotations

import json

import pytest

from .conftest import cli, make_ledger, sign_in

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(tmp_path):
    from ledger.web.app import create_app
    from tests.store.conftest import PG_SKIP, _fresh_schema, pg_base_url

    if pg_base_url() is None:
        pytest.skip(PG_SKIP)
    for url in _fresh_schema(pg_base_url()):
        make_ledger(tmp_path, url)
        app = create_app(url)
        yield app, url
        app.state.store.close()


def test_the_desk_on_postgresql(pg_app):
    app, url = pg_app
    ana = sign_in(app, "ana")
    assert ana.get("/households/other").status_code == 404
    done = ana.post(
        "/households/astra/record",
        data={
            "csrf_token": ana.csrf,
            "kind": "roth_year_end_value",
            "person": "p",
            "year": "2022",
            "value": "1234.56",
        },
    )
    assert done.status_code == 303
    events = json.loads(cli(url, "events", "-H", "astra", "--format", "json").output)["events"]
    assert (events[-1]["kind"], events[-1]["recorded_by"]) == ("roth_year_end_value", "ana")
    printed = cli(
        url, "report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022", "--format", "json"
    )
    assert (
        ana.get("/api/households/astra/reports/withdrawals?person=p&tax_year=2022").text
        == printed.output
    )
    assert cli(url, "verify").exit_code == 0


def test_the_desk_with_the_application_role(tmp_path):
    """``serve`` as the README's application role (SELECT and INSERT on events, the web
    desk's own tables in full): sign-in, a failed sign-in counted, an entry recorded,
    sign-out -- every write the desk makes is allowed, none to what is stored."""
    from ledger.web.app import create_app
    from tests.store.test_pg_roles import granted, roles_for

    for roles in roles_for():
        granted(roles)
        make_ledger(tmp_path, roles.app_url)
        app = create_app(roles.app_url)
        try:
            from .conftest import client, csrf_of

            wrong = client(app)
            token = csrf_of(wrong.get("/login").text)
            refused = wrong.post(
                "/login", data={"username": "ana", "password": "nope", "csrf_token": token}
            )
            assert refused.status_code in (200, 401, 403), refused.status_code
            ana = sign_in(app, "ana")
            done = ana.post(
                "/households/astra/record",
                data={
                    "csrf_token": ana.csrf,
                    "kind": "roth_year_end_value",
                    "person": "p",
                    "year": "2022",
                    "value": "99.00",
                },
            )
            assert done.status_code == 303, done.text
            assert ana.post("/logout", data={"csrf_token": ana.csrf}).status_code == 303
        finally:
            app.state.store.close()
        assert cli(roles.app_url, "verify").exit_code == 0
