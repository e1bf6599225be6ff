"""A changed household takes no new event: every write into a household whose hash chain
was changed behind the program's back (triggers switched off, a row edited by raw SQL)
-- ``record`` (an event, a person or household record again), ``record form-5498``,
``void``, an ``import`` of ordinary files (one, several, in parallel) or of a
with-history export -- is refused as every reader refuses it: exit 6, one line naming
the broken event (``verify``'s words), and nothing is stored, in any household of the
command. The other households still take events. SQLite and PostgreSQL, through the
command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import cli_in_process as _cli
from .test_database import untriggered

EXAMPLE = Path(__file__).resolve().parents[2] / "ledger" / "examples" / "astra-2022.yaml"

TAMPERING = {
    # the event's content: an import of the original file differs from the stored one
    "an edited amount": (
        "UPDATE events SET payload = replace(payload, '48000', '4800') "
        "WHERE household = 'astra' AND kind = 'roth_distribution'",
        "household 'astra': event 'e10' (version 12): hash mismatch",
    ),
    # nothing an import compares: only the chain shows it
    "a changed recorder": (
        "UPDATE events SET recorded_by = 'mallory' WHERE household = 'astra' AND version = 3",
        "household 'astra': event 'e1' (version 3): hash mismatch",
    ),
    "a middle row deleted": (
        "DELETE FROM events WHERE household = 'astra' AND version = 5",
        "household 'astra': event 'e4' (version 6): version 5 is missing",
    ),
}


def _heads(backend) -> dict[str, tuple[int, str]]:
    """Every household's stored head, read without the chain's check."""
    store = backend.open()
    try:
        return store.heads()
    finally:
        store.close()


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    text = EXAMPLE.read_text(encoding="utf-8")
    more = "- {id: e11, kind: roth_contribution, person: p, tax_year: 2023, date: 2023-03-01, amount: 100}\n"
    out = {
        "bora": tmp_path / "bora.yaml",
        "astra-more": tmp_path / "astra-more.yaml",
        "bora-more": tmp_path / "bora-more.yaml",
    }
    out["bora"].write_text(text.replace("id: astra", "id: bora"), encoding="utf-8")
    out["astra-more"].write_text(text + more, encoding="utf-8")
    out["bora-more"].write_text(text.replace("id: astra", "id: bora") + more, encoding="utf-8")
    return out


WRITES = {  # each command's words ({name}: a file of the fixture)
    "record an event": "record roth_contribution -H astra -p p -y 2023 --date 2023-03-01 "
    "--amount 1000",
    "record the same event with its id": "record roth_contribution -H astra --id e6 -p p "
    "-y 2019 --date 2019-03-01 --amount 6000",
    "record the person again": "record person -H astra --id p --name P --born 1980-06-15",
    "record the household again": "record household -H astra --name Astra",
    "record a form": "record form-5498 -H astra -p p -y 2023 --account ROTH --box10 500 "
    "--date 2023-04-01",
    "void": "void e6 -H astra --reason duplicate",
    "import a file": "import {astra-more}",
    "import the stored file again": f"import {EXAMPLE}",
    "import with another household": "import {bora-more} {astra-more}",
    "import in parallel": "import --jobs 2 {bora-more} {astra-more}",
    "import a with-history export": "import {history}",
}


@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_no_write_into_a_changed_household(sql_backend, files, tmp_path, how):
    _no_write_after(sql_backend, files, tmp_path, *TAMPERING[how])


def test_no_write_into_a_household_with_an_unreadable_row(sqlite_backend, files, tmp_path):
    """A value only SQLite's untyped column holds: every write says it as the others."""
    statement = (
        "UPDATE events SET recorded_at = 'yesterday-ish' WHERE household = 'astra' AND version = 3"
    )
    named = "household 'astra': event 'e1' (version 3): recorded_at"
    _no_write_after(sqlite_backend, files, tmp_path, statement, named)


def _no_write_after(sql_backend, files, tmp_path, statement: str, named: str) -> None:
    url = sql_backend.url
    assert url is not None
    assert _cli(url, "import", EXAMPLE, files["bora"]).exit_code == 0
    history = tmp_path / "history.yaml"
    done = _cli(url, "export", "-H", "astra", "--with-history", "-o", history)
    assert done.exit_code == 0, done.output
    untriggered(sql_backend, statement)
    before = _heads(sql_backend)
    names = {**{k: str(v) for k, v in files.items()}, "history": str(history)}
    for label, args in WRITES.items():
        done = _cli(url, *args.format(**names).split())
        assert done.exit_code == 6, (label, done.output)
        lines = done.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {named}"), (label, lines)
        assert lines[0].endswith(
            "; nothing is written to a changed ledger, nothing was stored (run roth-ledger verify)"
        ), (label, lines)
        assert _heads(sql_backend) == before, label  # nothing stored, in no household
    # the other household still takes events; verify still names the broken one
    assert _cli(url, "import", files["bora-more"]).exit_code == 0
    verify = _cli(url, "verify")
    assert verify.exit_code == 6 and named in verify.output and "bora" not in verify.output
