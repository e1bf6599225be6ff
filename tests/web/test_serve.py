"""`roth-ledger serve` end to end over real HTTP, as a script with a plain cookie jar
would use it: sign in at /login, each client reaches only their household (pages and
API), the API's JSON is the command line's, a POST without the CSRF token is refused, a
household named with markup comes back escaped, and afterwards `verify` is clean and
the web's events carry the user's name."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .conftest import MARKUP, PASSWORDS, cli, serving, unstamped

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("serve")) as running:
        yield running


class Browser:
    """urllib with a cookie jar; answers (status, body) and never raises for a status."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=30) as r:
                return r.status, r.read().decode(), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(), dict(e.headers)

    def sign_in(self, name: str) -> str:
        _, page, _ = self.request("/login")
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert found, page
        token = found.group(1)
        status, _, headers = self.request(
            "/login", {"username": name, "password": PASSWORDS[name], "csrf_token": token}
        )
        assert status == 303, status
        while status == 303:  # / sends a client to their household, a preparer to the desk
            status, home, headers = self.request(headers.get("location", "/"))
        found = re.search(r'name="csrf_token" value="([^"]+)"', home)
        assert found, home
        return found.group(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_serve_end_to_end(server):
    base, db = server
    ana, bo, prep = Browser(base), Browser(base), Browser(base)
    ana_csrf = ana.sign_in("ana")
    bo.sign_in("bo")
    prep.sign_in("prep")

    api = "/api/households/{h}/reports/withdrawals?person={p}&tax_year=2022"
    for who, mine, theirs, p, q in (
        (ana, "astra", "other", "p", "q"),
        (bo, "other", "astra", "q", "p"),
    ):
        assert who.request(f"/households/{mine}")[0] == 200
        assert who.request(api.format(h=mine, p=p))[0] == 200
        assert who.request(f"/households/{theirs}")[0] == 404
        assert who.request(api.format(h=theirs, p=q))[0] == 404
        assert who.request(f"/households/{theirs}/people/{q}/basis")[0] == 404

    status, served, _ = ana.request(api.format(h="astra", p="p"))
    printed = cli(
        db, "report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022", "--format", "json"
    )
    assert status == 200 and unstamped(served) == unstamped(printed.output)
    assert json.loads(served)["additional_tax"] == "200.00"  # seed 004 (README)

    form = {
        "kind": "roth_contribution",
        "person": "p",
        "tax_year": "2023",
        "date": "2023-04-01",
        "amount": "700",
    }
    assert ana.request("/households/astra/record", form)[0] == 403
    assert ana.request("/households/astra/record", {**form, "csrf_token": "x" * 43})[0] == 403
    assert ana.request("/households/astra/record", {**form, "csrf_token": ana_csrf})[0] == 303

    status, page, _ = prep.request("/households/evil")
    assert status == 200 and MARKUP not in page and "&lt;script&gt;" in page

    assert cli(db, "verify").exit_code == 0
    events = json.loads(cli(db, "events", "-H", "astra", "--format", "json").output)["events"]
    assert [e["recorded_by"] for e in events if e["fields"].get("amount") == "700.00"] == ["ana"]
