"""Shared fixtures."""

from __future__ import annotations

import pytest
from click.testing import CliRunner


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Invoke the real command line (click) on a fresh SQLite ledger in ``tmp_path``;
    every output is checked to carry no traceback."""
    from cli.main import cli, register

    register()
    monkeypatch.setenv("ROTH_LEDGER_DB", str(tmp_path / "ledger.db"))
    monkeypatch.setenv("ROTH_LEDGER_USER", "tester")
    runner = CliRunner()

    def invoke(*args):
        result = runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)
        assert "Traceback" not in result.output
        return result

    return invoke
