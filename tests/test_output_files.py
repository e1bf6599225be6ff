"""Every command against an output it cannot write: a full disk (/dev/full), a closed pipe,
an ``-o`` into a missing directory. One line on stderr, a non-zero exit, no traceback
(issue 12 item 1). Files the tool writes are owner-only, never overwritten without
``--force`` and never written through a symbolic link (issue 12 item 10, issue 14 item 6).

The commands run in-process through the real entry point (:func:`cli.main.main`) with
``sys.stdout`` replaced, so that the whole table stays fast.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from cli.main import main

EXAMPLE = Path(__file__).resolve().parent.parent / "ledger" / "examples" / "astra-2022.yaml"

#: every command that prints something, on the example ledger (household astra, person p)
READING = [
    ["households"],
    ["events", "-H", "astra"],
    ["events", "-H", "astra", "--format", "json"],
    ["events", "-H", "astra", "--format", "csv"],
    ["export", "-H", "astra"],
    ["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022"],
    ["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022", "--format", "html"],
    ["report", "form8606", "-H", "astra", "-p", "p", "-y", "2022", "--format", "json"],
    ["report", "form5329", "-H", "astra", "-p", "p", "-y", "2022", "--format", "csv"],
    ["report", "year", "-H", "astra", "-p", "p", "-y", "2022"],
    ["report", "basis", "-H", "astra", "-p", "p", "--as-of", "2022-12-31"],
    ["report", "batch", "-y", "2022"],
    ["report", "batch", "-y", "2022", "--format", "json"],
    ["plan", "withdrawal", "-H", "astra", "-p", "p", "--date", "2023-03-01"],
    ["plan", "ladder", "-H", "astra", "-p", "p", "--as-of", "2022-12-31"],
    ["verify"],
    ["db", "current"],
    ["--help"],
    ["report", "--help"],
]
#: the ones that take -o FILE
WITH_OUTPUT = [
    c for c in READING if c[0] in ("events", "export", "report", "plan") and "--help" not in c
]
WRITING = [
    ["import", str(EXAMPLE)],
    ["record", "person", "-H", "astra", "--id", "q", "--name", "Q", "--born", "1970-01-01"],
    ["void", "e1", "--reason", "test"],
]


def _run(argv, stdout) -> tuple[int, str]:
    err = io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = stdout, err
    try:
        with pytest.raises(SystemExit) as done:
            main(argv)
    finally:
        sys.stdout, sys.stderr = saved
    return int(done.value.code or 0), err.getvalue()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    db = tmp_path_factory.mktemp("template") / "ledger.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ROTH_LEDGER_DB", str(db))
        mp.setenv("ROTH_LEDGER_USER", "tester")
        code, err = _run(["import", str(EXAMPLE)], io.StringIO())
    assert code == 0, err
    return db


@pytest.fixture
def ledger(template, tmp_path, monkeypatch):
    """A private copy of the example ledger (one import per module: fast)."""
    db = tmp_path / "ledger.db"
    shutil.copyfile(template, db)
    db.chmod(0o600)
    monkeypatch.setenv("ROTH_LEDGER_DB", str(db))
    monkeypatch.setenv("ROTH_LEDGER_USER", "tester")
    return db


def _one_clean_line(code, err):
    assert code not in (0, None), err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")


@pytest.mark.parametrize("argv", READING + WRITING, ids=" ".join)
def test_full_disk_is_one_line(ledger, argv):
    with open("/dev/full", "w", encoding="utf-8") as full:
        code, err = _run(argv, full)
    _one_clean_line(code, err)
    assert code == 7
    assert "No space left on device" in err


@pytest.mark.parametrize("argv", READING[:6], ids=" ".join)
def test_closed_pipe_is_one_line(ledger, argv):
    read, write = os.pipe()
    os.close(read)
    with open(write, "w", encoding="utf-8") as pipe:
        code, err = _run(argv, pipe)
    _one_clean_line(code, err)
    assert code == 7


@pytest.mark.parametrize("argv", WITH_OUTPUT, ids=" ".join)
def test_output_into_missing_directory(ledger, tmp_path, argv):
    target = tmp_path / "does" / "not" / "exist" / "x.out"
    code, err = _run([*argv, "-o", str(target)], io.StringIO())
    _one_clean_line(code, err)
    assert code == 2
    assert "does not exist" in err
    assert not (tmp_path / "does").exists()


@pytest.mark.parametrize("argv", WITH_OUTPUT, ids=" ".join)
def test_output_file_is_private_and_not_overwritten(ledger, tmp_path, argv):
    target = tmp_path / "out.file"
    os.umask(0o022)
    code, err = _run([*argv, "-o", str(target)], io.StringIO())
    assert code == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    first = target.read_bytes()
    assert first
    code, err = _run([*argv, "-o", str(target)], io.StringIO())
    _one_clean_line(code, err)
    assert code == 2 and "--force" in err
    assert target.read_bytes() == first
    code, err = _run([*argv, "-o", str(target), "--force"], io.StringIO())
    assert code == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_output_never_follows_a_symbolic_link(ledger, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    link = tmp_path / "report.json"
    link.symlink_to(victim)
    argv = ["report", "basis", "-H", "astra", "-p", "p", "--format", "json", "-o", str(link)]
    code, err = _run(argv, io.StringIO())
    _one_clean_line(code, err)
    assert "symbolic link" in err
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere.json")
    code, err = _run([*argv[:-1], str(dangling)], io.StringIO())
    assert code == 2 and not (tmp_path / "nowhere.json").exists()
    code, err = _run([*argv, "--force"], io.StringIO())
    assert code == 0, err
    assert victim.read_text() == "keep me\n"  # the link itself was replaced
    assert not link.is_symlink() and '"household": "astra"' in link.read_text()


def test_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    from ledger.app.output import OutputError, output_stream

    target = tmp_path / "x.txt"
    with pytest.raises(OutputError), output_stream(str(target)) as out:
        out.write("partial")
        raise OSError(28, "No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_unwritable_directory_is_one_line(ledger, tmp_path):
    if os.geteuid() == 0:  # root writes through a mode of 0o500: sysfs refuses even root
        locked = Path("/sys")
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
    code, err = _run(["export", "-H", "astra", "-o", str(locked / "x.yaml")], io.StringIO())
    _one_clean_line(code, err)
    if locked != Path("/sys"):
        with contextlib.suppress(OSError):
            locked.chmod(0o700)


@pytest.mark.parametrize("argv", WITH_OUTPUT, ids=" ".join)
def test_output_never_replaces_a_device_or_pipe(ledger, tmp_path, argv):
    """`-o /dev/full --force` renamed a regular file over /dev/full (as root, the device
    node was gone). A device, a named pipe or a socket is refused even with --force; a
    named pipe stands in for a device here (safe if this test fails)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, err = _run([*argv, "-o", str(fifo), "--force"], io.StringIO())
    _one_clean_line(code, err)
    assert code == 2 and "is a named pipe, not a file" in err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".pipe.")]  # no temp file
    code, err = _run([*argv, "-o", os.devnull, "--force"], io.StringIO())
    assert code == 2 and "is a character device" in err
    assert stat.S_ISCHR(os.lstat(os.devnull).st_mode)
