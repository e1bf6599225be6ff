"""``roth-ledger heads`` lists the households in id order on every store, its table and
its JSON alike (PostgreSQL's grouped query comes back in its hash join's order: the
households as they were first written), so the same ledger in SQLite and in PostgreSQL
prints its heads in the same order."""

from __future__ import annotations

import json
from pathlib import Path

from .helpers import cli_in_process

EXAMPLE = Path(__file__).resolve().parents[2] / "ledger" / "examples" / "astra-2022.yaml"
#: written in this order: neither sorted nor reversed
HOUSEHOLDS = ["zeta", "alpha", "mid", "b-2", "Zed", "b.1", "a1", "omega", "b_3", "beta"]


def _cli(url: str, *args: str | Path):
    result = cli_in_process(url, *args)
    assert result.exit_code == 0, result.output
    return result


def test_heads_are_in_household_order(sql_backend, tmp_path):
    url = sql_backend.url
    assert url is not None
    text = EXAMPLE.read_text(encoding="utf-8")
    for household in HOUSEHOLDS:
        path = tmp_path / f"{household}.yaml"
        path.write_text(text.replace("id: astra", f"id: {household}"), encoding="utf-8")
        _cli(url, "import", path)
    ordered = sorted(HOUSEHOLDS)  # code point order, as SQLite's BINARY collation sorts
    assert ordered[:3] == ["Zed", "a1", "alpha"]
    data = json.loads(_cli(url, "heads", "--format", "json").output)
    assert [h["household"] for h in data["heads"]] == ordered
    table = _cli(url, "heads").output.splitlines()
    assert [line.split("\t")[0] for line in table] == ordered
    assert all(h["version"] == 12 for h in data["heads"])
    heads = tmp_path / "heads.json"
    _cli(url, "heads", "--format", "json", "-o", heads)
    verified = _cli(url, "verify", "--against", heads).output.splitlines()
    assert verified[-1] == "ok: 10 household chains and the saved heads verified"
