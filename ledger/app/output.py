"""Writing a command's output: the ONE place a file the user asked for is written.

Every command that writes a file (``-o/--output``: reports, the batch, exports, backups)
goes through :func:`output_stream`, so every such file is

- private: created owner-only (0600) whatever the umask, like the ledger itself;
- never written through a symbolic link: the text goes to a new temporary file in the
  target's directory, which is then moved into place (a link at the target is replaced,
  its target is never touched);
- never an accidental overwrite: an existing file (or link) is refused unless
  ``force`` is given, and a device, named pipe or socket is refused even with it (a
  rename would replace ``/dev/null`` itself for root);
- whole or absent: a failure part way (a full disk) removes the temporary file and
  leaves any earlier file as it was.

Failures are :class:`OutputError` (one line, exit 7); a refused ``--output`` is a usage
error (exit 2). Writing to standard output is checked by the command line itself
(:func:`cli.main.main`: a closed pipe or a full disk ends with one line, exit 7).
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ..errors import LedgerError

#: exit code when the output could not be written (full disk, closed pipe, no permission)
EXIT_OUTPUT = 7


class OutputError(LedgerError):
    """The output could not be written; nothing (or only what came before) was written."""

    exit_code = EXIT_OUTPUT


class OutputRefused(LedgerError):
    """``--output`` names a file that must not be written (it exists, it is a directory)."""


def cannot_write(target: str, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.EPIPE:
        reason = "the reader closed the pipe"
    return OutputError(f"cannot write {target}: {reason}")


def silence(stream: TextIO) -> None:
    """Point a stream that can no longer be written (a full disk, a closed pipe) at
    /dev/null, so that what it still buffers is dropped quietly at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, stream.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def check_target(output: str, force: bool = False) -> Path:
    """Refuse an ``--output`` that cannot or must not be written, before any work."""
    path = Path(output)
    if path.is_dir():
        raise OutputRefused(f"--output: {output} is a directory")
    special = _special_kind(path)
    if special is not None:  # --force would replace the device (as root: /dev/null itself)
        raise OutputRefused(
            f"--output: {output} is {special}, not a file, and is never replaced; to write "
            f"into it use standard output (> {output})"
        )
    if os.path.lexists(path) and not force:
        what = "a symbolic link" if path.is_symlink() else "a file"
        raise OutputRefused(
            f"--output: {output} already exists ({what}); add --force to replace it"
        )
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputRefused(f"--output: cannot write {output}: directory {parent} does not exist")
    return path


@contextlib.contextmanager
def output_stream(
    output: str | None, stdout: TextIO | None = None, force: bool = False
) -> Iterator[TextIO]:
    """A text stream for a command's output: ``stdout`` when ``output`` is None, else a
    private temporary file that becomes ``output`` when the block ends without error
    (see the module docstring)."""
    if output is None:
        import sys

        stream = stdout if stdout is not None else sys.stdout
        try:
            yield stream
            stream.flush()
        except OSError as exc:
            silence(stream)
            raise cannot_write("standard output", exc) from None
        return
    path = check_target(output, force)
    try:
        fd, tmp = _private_temp(path)
    except OSError as exc:
        raise cannot_write(output, exc) from None
    ok = False
    try:
        with open(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        _move_into_place(tmp, path, force)
        ok = True
    except OSError as exc:
        raise cannot_write(output, exc) from None
    finally:
        if not ok:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def write_output(
    text: str, output: str | None, stdout: TextIO | None = None, force: bool = False
) -> None:
    """Write ``text`` whole to ``output`` (None: standard output); see :func:`output_stream`."""
    with output_stream(output, stdout, force) as stream:
        stream.write(text)


def private_path(output: str, force: bool = False) -> Path:
    """A new private (0600) temporary file next to ``output`` for a writer that needs a
    path rather than a stream (a database backup); :func:`finish_private` moves it in."""
    path = check_target(output, force)
    try:
        fd, tmp = _private_temp(path)
    except OSError as exc:
        raise cannot_write(output, exc) from None
    os.close(fd)
    return Path(tmp)


def finish_private(tmp: Path, output: str, force: bool = False) -> None:
    """Move a :func:`private_path` file into place (or remove it on failure)."""
    try:
        os.chmod(tmp, 0o600)
        _move_into_place(str(tmp), Path(output), force)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise cannot_write(output, exc) from None


def _special_kind(path: Path) -> str | None:
    """What ``path`` is when it exists and is neither a regular file nor a symbolic link
    (a device, a pipe, a socket), else None."""
    import stat

    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISLNK(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    return "a socket" if stat.S_ISSOCK(mode) else "a special file"


def _private_temp(path: Path) -> tuple[int, str]:
    import tempfile

    directory = str(path.parent) if str(path.parent) else "."
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    os.fchmod(fd, 0o600)
    return fd, tmp


def _move_into_place(tmp: str, path: Path, force: bool) -> None:
    """Rename ``tmp`` onto ``path``: with ``force`` replacing whatever is there (a link
    itself, never its target); without it only if nothing is there (a hard link, which
    refuses an existing name atomically; where hard links are not supported, a check and a
    rename)."""
    if force:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path, follow_symlinks=False)
    except FileExistsError:
        raise OutputRefused(f"--output: {path} already exists; add --force to replace it") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV):
            raise
        if os.path.lexists(path):
            raise OutputRefused(
                f"--output: {path} already exists; add --force to replace it"
            ) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)
