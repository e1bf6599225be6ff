"""The printable withdrawal report (``report withdrawals --format html``).

The page must show the JSON report's own figures: the bundled Astra example (seed 004,
Astra Wealth Partners 2025: $48,000 withdrawn in 2022, $0 taxable, $200 additional tax)
goes through the real command line, then a real headless browser renders the page, and
every tagged figure in the rendered DOM is compared with the JSON. The browser also
takes a letter-size screenshot and prints a PDF. Without chromium the browser tests
skip locally and FAIL under CI (env CI set): CI must exercise them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli, register
from ledger.reports.html import cents, from_cents, money, withdrawals_html

EXAMPLE = Path(__file__).resolve().parents[1] / "ledger" / "examples" / "astra-2022.yaml"
REPORT = ["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022"]


def commas(s: str) -> str:
    """The expected display of a JSON money string, computed independently of html.py."""
    return f"{Decimal(s):,.2f}"


def run(db: Path, *args: str) -> str:
    register()
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def astra(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("html")
    db = tmp / "ledger.db"
    run(db, "db", "upgrade")
    run(db, "import", str(EXAMPLE))
    page = tmp / "report.html"
    run(db, *REPORT, "--format", "html", "--output", str(page))
    basis = [
        json.loads(
            run(db, "report", "basis", "-H", "astra", "-p", "p", "--as-of", d, "--format", "json")
        )
        for d in ("2021-12-31", "2022-12-31")
    ]
    return {
        "tmp": tmp,
        "page": page,
        "json": json.loads(run(db, *REPORT, "--format", "json")),
        "basis": basis,
    }


def tagged(dom: str, attr: str, value: str) -> str:
    m = re.search(rf'<[a-z]+[^>]*\b{attr}="{re.escape(value)}"[^>]*>([^<]*)<', dom)
    assert m, f"no element with {attr}={value!r}"
    return m.group(1).strip()


def draw_rows(dom: str) -> dict[int, dict[str, str]]:
    rows = {}
    for m in re.finditer(r'<tr data-draw="(\d+)">(.*?)</tr>', dom, re.S):
        rows[int(m.group(1))] = dict(re.findall(r'data-field="([a-z_]+)">([^<]*)<', m.group(2)))
    return rows


def check_figures(dom: str, report: dict) -> None:
    """Every key figure of the JSON appears, formatted, at its tagged element."""
    assert set(report["form8606"]) == {"19", "20", "21", "22", "23", "24", "25a", "25b", "25c"}
    for line, value in report["form8606"].items():
        assert tagged(dom, "data-line", f"8606-{line}") == commas(value), line
    assert set(report["form5329"]) == {"1", "2", "3", "4"}
    for line, value in report["form5329"].items():
        assert tagged(dom, "data-line", f"5329-{line}") == commas(value), line
    assert tagged(dom, "id", "taxable-amount") == commas(report["taxable_amount"])
    assert tagged(dom, "id", "additional-tax") == commas(report["additional_tax"])
    rows = draw_rows(dom)
    assert len(rows) == len(report["draws"]) > 0
    for i, d in enumerate(report["draws"]):
        assert rows[i]["amount"] == commas(d["amount"])
        assert rows[i]["subject_to_additional_tax"] == commas(d["subject_to_additional_tax"])
    for d in report["distributions"]:
        assert commas(d["amount"]) in dom


# ---- without a browser --------------------------------------------------------------------


def test_money_strings_are_the_json_strings_with_separators():
    assert money("48000.00") == "48,000.00"
    assert money("-1234567.89") == "-1,234,567.89"
    assert money("0.00") == "0.00"
    assert money("999.10") == "999.10"
    assert cents("1234.56") == 123456 and cents("-0.05") == -5 and from_cents(-5) == "-0.05"
    assert from_cents(cents("27000.00") + cents("0.01")) == "27000.01"


def test_the_page_carries_the_json_figures(astra):
    html = astra["page"].read_text(encoding="utf-8")
    check_figures(html, astra["json"])
    assert "<script" not in html.lower()
    assert not re.search(r'(src|href)="(https?:)?//', html), "the page must be self-contained"
    assert "@page { size: letter; margin: 0.6in; }" in html
    assert '<svg id="layer-chart"' in html
    # chart: every layer drawn this year, with its clock end date and the qualified date
    assert (
        'data-layer="conversion-2018" data-drawn="6,000.00" data-remaining="0.00" data-clock-ends="2022-12-31"'
        in html
    )
    assert 'data-layer="conversion-2017" data-drawn="15,000.00"' in html
    assert 'data-layer="designated_roth_rollover" data-drawn="21,000.00"' in html
    assert 'data-layer="regular_contributions" data-drawn="6,000.00"' in html
    assert "qualified from 2022-01-01" in html
    assert tagged(html, "id", "qualified-from") == astra["basis"][1]["qualified_from"]


def test_html_is_only_for_the_withdrawal_report(tmp_path):
    register()
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            str(tmp_path / "x.db"),
            "report",
            "form8606",
            "-H",
            "a",
            "-p",
            "p",
            "-y",
            "2022",
            "--format",
            "html",
        ],
    )
    assert result.exit_code == 2 and "html" in result.output


def test_hostile_strings_are_escaped():
    evil = '<script>alert("x")</script>'
    report = {
        "household": evil,
        "person": evil,
        "tax_year": 2022,
        "as_known_on": evil,
        "policy": {"ratio_precision": evil},
        "qualified": False,
        "distributions": [
            {
                "id": evil,
                "date": "2022-06-01",
                "amount": "10.00",
                "exception": evil,
                "exception_code": evil,
                "qualified": False,
                "qualified_reason": evil,
                "taxable_amount": "0.00",
                "additional_tax": "1.00",
            }
        ],
        "draws": [
            {
                "source": evil,
                "year": evil,
                "portion": evil,
                "clock_year": None,
                "amount": "10.00",
                "subject_to_additional_tax": evil,
                "events": [evil],
                "rule": evil,
            }
        ],
        "form8606": {"19": "10.00"},
        "form5329": {"1": evil},
        "exceptions": [{"kind": evil, "code": evil, "amount": evil}],
        "taxable_amount": "0.00",
        "additional_tax": evil,
        "warnings": [evil],
    }
    basis = {
        "regular_contribution_basis": "0.00",
        "designated_roth_rollover_basis": "0.00",
        "conversion_layers": [
            {
                "source": evil,
                "year": 2020,
                "taxable": "5.00",
                "nontaxable": "0.00",
                "clock_ends": "2024-12-31",
            }
        ],
        "qualified_from": evil,
        "age_59_and_a_half_on": evil,
    }
    html = withdrawals_html(report, basis, basis)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html


# ---- in a real browser --------------------------------------------------------------------


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed: CI must render the HTML report (see .ci/run)")
    pytest.skip("chromium not installed (apt-get install chromium)")


def browse(tmp: Path, page: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-pdf-header-footer",
        f"--user-data-dir={tmp / 'profile'}",
        *args,
        page.as_uri(),
    ]
    done = subprocess.run(
        cmd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_browser_renders_the_json_figures(astra):
    dom = browse(astra["tmp"], astra["page"], "--dump-dom").stdout
    assert "Roth IRA withdrawals" in dom
    check_figures(dom, astra["json"])
    assert "10% clock ends 2022-12-31" in dom


def test_browser_screenshot_and_pdf(astra):
    png, pdf = astra["tmp"] / "report.png", astra["tmp"] / "report.pdf"
    browse(astra["tmp"], astra["page"], f"--screenshot={png}", "--window-size=816,1056")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000, "a blank page would compress to a few KB"
    browse(astra["tmp"], astra["page"], f"--print-to-pdf={pdf}")
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-" and len(data) > 20_000
    assert 1 <= len(re.findall(rb"/Type\s*/Page\b", data)) <= 3, (
        "letter pages: the report fits on 1-3"
    )
