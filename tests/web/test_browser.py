"""Real-browser tests: headless Debian chromium driven by Playwright against
`roth-ledger serve` itself (a subprocess listening on 127.0.0.1 only).

A client signs in, enters a 1099-R box by box and reads the withdrawal report, which
must agree to the cent with `roth-ledger report withdrawals --format json`; a preparer
runs the batch and downloads its CSV, which must be the command's CSV byte for byte.
Screenshots of every step are kept in tests/artifacts/ (git-ignored). Without chromium
or Playwright the tests skip locally and FAIL under CI (env CI set).
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

from .conftest import PASSWORDS, ROOT, cli, serving, unstamped

pytestmark = pytest.mark.slow
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("browser")) as running:
        yield running


def _missing(what: str):
    if os.environ.get("CI"):
        pytest.fail(f"{what}: CI must run the browser tests (see .ci/run)")
    pytest.skip(what)


def chromium() -> str:
    path = "/usr/bin/chromium"
    if not os.path.exists(path):
        path = shutil.which("chromium") or ""
    if not path:
        _missing("chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install '.[test]')")
    path = chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(browser, base: str, name: str):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("#username", name)
    page.fill("#password", PASSWORDS[name])
    shot(page, f"{name}-01-login")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def test_a_client_enters_a_1099r_and_the_report_agrees_with_the_cli(server, browser):
    base, db = server
    page = sign_in(browser, base, "ana")
    assert page.url == base + "/households/astra"
    shot(page, "ana-02-household")
    page.click("text=Form 1099-R")
    page.select_option("#f-person", "p")
    page.fill("#f-tax_year", "2023")
    page.fill("#f-box1", "3000")
    page.fill("#f-box2a", "0")
    page.fill("#f-box7", "J")
    page.fill("#f-paid_on", "2023-06-01")
    page.fill("#f-payer", "Fidelity")
    shot(page, "ana-03-1099r")
    page.click("#record")
    page.wait_for_load_state()
    assert "Recorded" in page.inner_text("main")
    shot(page, "ana-04-recorded")
    page.goto(base + "/households/astra/people/p/reports/withdrawals?tax_year=2023&explain=1")
    shot(page, "ana-05-withdrawals-2023")
    printed = cli(
        db, "report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2023", "--format", "json"
    )
    report = json.loads(printed.output)
    assert page.inner_text("#taxable-amount") == report["taxable_amount"]
    assert page.inner_text("#additional-tax") == report["additional_tax"]
    # Seed 004 leaves no basis after 2022 (README), so 2023's $3,000 is all earnings:
    # Form 8606 line 25c $3,000 and, under 59½, Form 5329 line 4 at 10%: $300.
    assert (report["taxable_amount"], report["additional_tax"]) == ("3000.00", "300.00")
    page.goto(base + "/households/astra/people/p/reports/withdrawals.html?tax_year=2023")
    assert page.inner_text("#taxable-amount") == "3,000.00"
    shot(page, "ana-06-printable")
    events = json.loads(cli(db, "events", "-H", "astra", "--format", "json").output)["events"]
    assert events[-1]["recorded_by"] == "ana"
    assert cli(db, "verify").exit_code == 0
    page.context.close()


def test_a_preparer_runs_the_batch_and_downloads_its_csv(server, browser, tmp_path):
    base, db = server
    page = sign_in(browser, base, "prep")
    assert page.url.startswith(base + "/desk")
    shot(page, "prep-02-desk")
    page.goto(base + "/desk/batch")
    page.fill("#tax_year", "2022")
    page.click("#run-batch")
    page.wait_for_load_state()
    shot(page, "prep-03-batch")
    with page.expect_download() as info:
        page.click("#csv")
    saved = tmp_path / "batch.csv"
    info.value.save_as(saved)
    printed = cli(db, "report", "batch", "--tax-year", "2022", "--format", "csv")
    assert unstamped(saved.read_text(encoding="utf-8")) == unstamped(printed.output)
    assert "astra,p,48000.00,1,0.00,200.00" in printed.output  # seed 004 (README)
    page.context.close()
