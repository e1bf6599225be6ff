"""Issue 12 item 7: `import` and `report batch` draw a progress bar on standard error when
it is a terminal (a pseudo-terminal here), never in piped output, and `--quiet` silences
it (and is accepted when there is no terminal).

The commands run as a user runs them (a subprocess of ``python -m cli``), standard error
on a pty or a pipe, standard output always a pipe (what a redirect gives).
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BAR = "] "  # the bar's closing bracket before the count: "[####....] 3/3 files"


def household_file(folder: Path, n: int) -> Path:
    path = folder / f"h{n:02d}.yaml"
    path.write_text(
        "version: 1\n"
        f"household: {{id: h{n:02d}, name: Household {n}}}\n"
        "people:\n- {id: p, name: P, born: 1970-01-01}\n"
        "events:\n"
        "- {kind: roth_contribution, person: p, tax_year: 2022, date: 2022-03-01, "
        "amount: 6000}\n"
        "- {kind: roth_distribution, person: p, date: 2022-09-01, amount: 1000}\n",
        encoding="utf-8",
    )
    return path


def run(db: Path, *args: str, tty: bool) -> tuple[int, str, str]:
    """(exit code, standard output, standard error) of ``roth-ledger ARGS``, standard
    error on a pseudo-terminal (``tty``) or a pipe."""
    env = {**os.environ, "ROTH_LEDGER_DB": str(db), "ROTH_LEDGER_USER": "tester"}
    env.update(COLUMNS="100", PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "cli", *args]
    if not tty:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=slave, env=env)
        os.close(slave)
        err = b""
        while True:
            ready, _, _ = select.select([master], [], [], 120)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed its side
                break
            if not chunk:
                break
            err += chunk
        out = proc.stdout.read() if proc.stdout else b""
        code = proc.wait(timeout=120)
    finally:
        os.close(master)
        if proc.stdout:
            proc.stdout.close()
    return code, out.decode(), err.decode()


@pytest.fixture
def files(tmp_path) -> Path:
    folder = tmp_path / "clients"
    folder.mkdir()
    for n in range(3):
        household_file(folder, n)
    return folder


def test_import_bar_on_a_terminal_only(tmp_path, files):
    code, out, err = run(tmp_path / "a.db", "import", str(files), tty=True)
    assert code == 0, err
    assert "import [" in err and "3/3 files" in err, err  # drawn, to the end
    assert err.rstrip("\r\n").endswith("\x1b[K") or "\r\x1b[K" in err  # and erased
    assert "\r" not in out and BAR not in out
    assert out.count("imported 2 events") == 0 and out.count("imported 4 events") == 3, out

    code, out, err = run(tmp_path / "b.db", "import", str(files), tty=False)
    assert code == 0, err
    assert err == "" and "\r" not in out and "3/3" not in out  # piped: no bar anywhere


def test_import_quiet(tmp_path, files):
    code, out, err = run(tmp_path / "a.db", "import", "--quiet", str(files), tty=True)
    assert code == 0, err
    assert "files" not in err and "\r" not in err, err
    assert out.count("imported 4 events") == 3
    code, out, err = run(tmp_path / "b.db", "import", "-q", str(files), tty=False)
    assert (code, err) == (0, "")


def test_import_refused_erases_the_bar_before_the_error(tmp_path, files):
    (files / "h01.yaml").write_text("version: 1\nhousehold: {id: h01}\nevents: 3\n")
    code, out, err = run(tmp_path / "a.db", "import", str(files), tty=True)
    assert code == 2 and out == ""
    assert "\r\x1b[Kerror: " in err or err.startswith("error: "), err  # on a clean line


def test_batch_bar_on_a_terminal_only(tmp_path, files):
    db = tmp_path / "a.db"
    assert run(db, "import", "-q", str(files), tty=False)[0] == 0
    for fmt in ("table", "csv", "json"):
        code, out, err = run(db, "report", "batch", "-y", "2022", "--format", fmt, tty=True)
        assert code == 0, err
        assert "report batch [" in err and "3/3 households" in err, (fmt, err)
        assert "\r" not in out and "households" not in out.splitlines()[0], (fmt, out)
        code, piped, err = run(db, "report", "batch", "-y", "2022", "--format", fmt, tty=False)
        assert code == 0 and err == "", err
        assert "\r" not in piped and "3/3" not in piped
    code, out, err = run(db, "report", "batch", "-y", "2022", "--quiet", tty=True)
    assert code == 0 and "households" not in err and "\r" not in err, err
    assert "total" in out
    code, out, err = run(db, "report", "batch", "-y", "2022", "-q", tty=False)
    assert code == 0 and err == ""


def test_quiet_in_help():
    for command in (["import"], ["report", "batch"]):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-m", "cli", *command, "--help"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert "--quiet" in done.stdout and "progress bar" in done.stdout
