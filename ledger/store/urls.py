"""Which database: URL resolution, the default file, and a new SQLite file's permissions.

``None`` → ``$ROTH_LEDGER_DB`` → ``$XDG_DATA_HOME/roth-ledger/ledger.db`` (default
``~/.local/share/roth-ledger/ledger.db``). A plain path is a SQLite file;
``sqlite:///PATH`` and ``postgresql+psycopg://...`` are taken as they are and
``postgresql://`` means psycopg 3. Anything else is a :class:`BadDatabaseUrl` of one line
(bad input, exit 2; the password never shown).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .api import BadDatabaseUrl, StoreError
from .dburl import URL, make_url

ENV_VAR = "ROTH_LEDGER_DB"


def default_path() -> Path:
    """The per-user ledger file (XDG data directory)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / "roth-ledger" / "ledger.db"


def safe(url: URL | str) -> str:
    """A URL fit for a message: the password hidden."""
    if isinstance(url, str):
        return url
    return url.render_as_string(hide_password=True)


def _without_password(raw: str) -> str:
    """A URL that could not be parsed, for a message: anything between ``://`` and the
    last ``@`` (user and password) hidden, and never more than 200 characters."""
    scheme, sep, rest = raw.partition("://")
    if sep and "@" in rest:
        rest = "***@" + rest.rsplit("@", 1)[1]
    text = scheme + sep + rest
    return repr(text if len(text) <= 200 else text[:200] + "...")


#: a host name, an IPv4 address or an IPv6 address (written in brackets; SQLAlchemy gives
#: it without them); a Unix socket directory is given as ``?host=/path``, not here
_HOST = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,252}|[0-9A-Fa-f:.]{2,45}")


def resolve(url: str | None) -> URL:
    """The :class:`~ledger.store.dburl.URL` for ``url`` (see module docstring)."""
    raw = url if url else os.environ.get(ENV_VAR) or ""
    raw = raw.strip()
    if not raw:
        return URL.create("sqlite", database=str(default_path()))
    if "://" not in raw:
        return URL.create("sqlite", database=str(Path(raw).expanduser()))
    try:
        parsed = make_url(raw)
        port = parsed.port  # a malformed port raises here, not at connect time
    except (ValueError, TypeError):  # dburl.UrlError is a ValueError
        raise BadDatabaseUrl(f"cannot read database URL {_without_password(raw)}") from None
    if port is not None and not 0 < port < 65536:
        raise BadDatabaseUrl(f"port {port} out of range (1-65535) in {safe(parsed)}")
    if parsed.host is not None and not _HOST.fullmatch(parsed.host):
        raise BadDatabaseUrl(f"cannot read database URL {_without_password(raw)} (the host)")
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres"):
        if driver not in ("", "psycopg"):
            raise BadDatabaseUrl(
                f"unsupported PostgreSQL driver {driver!r} in {safe(parsed)}: "
                "use postgresql+psycopg://..."
            )
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        if parsed.host:
            raise BadDatabaseUrl(
                f"a SQLite URL names a file, not a host: {safe(parsed)} (sqlite:///PATH)"
            )
        if parsed.database and parsed.database != ":memory:":
            return parsed.set(drivername="sqlite", database=str(Path(parsed.database).expanduser()))
        return parsed.set(drivername="sqlite")
    raise BadDatabaseUrl(
        f"unsupported database URL {safe(parsed)}: use a file path, sqlite:///PATH "
        "or postgresql+psycopg://USER@HOST/DB"
    )


def sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL (None for in-memory databases or servers)."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:"):
        return None
    return Path(url.database)


def prepare_sqlite_file(path: Path) -> None:
    """Create a missing ledger file owner-only (0600), its new parent directory 0700;
    refuse a path that cannot be a ledger file, with one clear line."""
    if path.is_dir():
        raise StoreError(f"cannot open ledger database {path}: it is a directory")
    if path.is_symlink() and not path.exists():
        raise StoreError(
            f"cannot create ledger database {path}: it is a symbolic link to a missing "
            f"file ({os.readlink(path)}); name the real path with --db"
        )
    if path.exists():
        if not os.access(path, os.R_OK):
            raise StoreError(f"cannot open ledger database {path}: permission denied")
        return
    parent = path.parent
    try:
        if not parent.exists():
            parent.mkdir(mode=0o700, parents=True)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return  # another process created it first
    except OSError as exc:
        raise StoreError(f"cannot create ledger database {path}: {exc.strerror}") from None
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
