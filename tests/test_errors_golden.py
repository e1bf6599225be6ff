"""Golden files for error output (hledger-style): one bad ledger file per kind of mistake.

Each ``tests/data/bad/NAME`` is imported through the command line; what it prints must
equal ``tests/data/bad/NAME.expected`` exactly (with the file's directory removed, so the
messages read ``NAME:LINE: field: reason``). The exit code must be non-zero and nothing
may be stored. Regenerate after an intended wording change with
``ROTH_LEDGER_UPDATE_GOLDEN=1 pytest tests/test_errors_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

BAD = Path(__file__).parent / "data" / "bad"
FILES = sorted(p for p in BAD.iterdir() if p.suffix != ".expected")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_error_output_matches_golden_file(path, tmp_path, monkeypatch):
    import ledger.dates
    from cli.main import cli, register
    from ledger.store import open_store

    register()
    # dates "at most 3 years ahead" of a fixed day, so the golden text does not age
    monkeypatch.setattr(ledger.dates, "today", lambda: date(2026, 12, 1))
    db = tmp_path / "ledger.db"
    monkeypatch.setenv("ROTH_LEDGER_DB", str(db))
    result = CliRunner().invoke(cli, ["import", str(path)], catch_exceptions=False)
    output = result.output.replace(str(path.parent) + os.sep, "")
    assert result.exit_code == 2
    assert "Traceback" not in output
    assert output.startswith("error: ")
    expected = path.with_name(path.name + ".expected")
    if os.environ.get("ROTH_LEDGER_UPDATE_GOLDEN"):
        expected.write_text(output, encoding="utf-8")
    assert output == expected.read_text(encoding="utf-8")
    store = open_store(str(db))
    try:
        assert store.households() == []
    finally:
        store.close()
