"""Database URLs without SQLAlchemy: :class:`URL` and :func:`make_url`.

The command line reads and writes the ledger through its own thin connection layer
(:mod:`ledger.store.dbapi`), so that no event command pays for importing SQLAlchemy
(about half of a command's fixed start-up cost). A URL here is the value SQLAlchemy's
``sqlalchemy.engine.URL`` is, with only what the store uses: the same fields, the same
parse (:func:`make_url` is SQLAlchemy's ``_parse_url``, the same pattern), the same
:meth:`URL.render_as_string` (messages show URLs as SQLAlchemy rendered them, the password
hidden). ``tests/store/test_dburl.py`` holds SQLAlchemy's ``make_url`` as the reference
and compares fields, rendering and errors over generated URLs. :meth:`URL.sqlalchemy`
gives SQLAlchemy's own URL where SQLAlchemy is genuinely needed (migrations, web users).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, unquote

QueryValue = str | tuple[str, ...]

#: SQLAlchemy's URL pattern (``sqlalchemy.engine.url._parse_url``), verbatim
_PATTERN = re.compile(
    r"""
        (?P<name>[\w\+]+)://
        (?:
            (?P<username>[^:/]*)
            (?::(?P<password>[^@]*))?
        @)?
        (?:
            (?:
                \[(?P<ipv6host>[^/\?]+)\] |
                (?P<ipv4host>[^/:\?]+)
            )?
            (?::(?P<port>[^/\?]*))?
        )?
        (?:/(?P<database>[^\?]*))?
        (?:\?(?P<query>.*))?
        """,
    re.X,
)


class UrlError(ValueError):
    """A string that is not a database URL (SQLAlchemy: ``ArgumentError``)."""


def _query_dict(
    query: Mapping[str, str | Sequence[str]] | None,
) -> dict[str, QueryValue]:
    out: dict[str, QueryValue] = {}
    for key, value in (query or {}).items():
        if not isinstance(key, str):
            raise TypeError("Query dictionary keys must be strings")
        if isinstance(value, str):
            out[key] = value
        elif isinstance(value, Sequence):
            out[key] = tuple(_one(v) for v in value)
        else:
            raise TypeError("Query dictionary values must be strings or sequences of strings")
    return out


def _one(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("Query dictionary values must be strings or sequences of strings")
    return value


class URL:
    """An immutable database URL (the fields of SQLAlchemy's ``URL``)."""

    __slots__ = ("drivername", "username", "password", "host", "port", "database", "query")

    drivername: str
    username: str | None
    password: str | None
    host: str | None
    port: int | None
    database: str | None
    query: Mapping[str, QueryValue]

    def __init__(
        self,
        drivername: str,
        username: str | None,
        password: str | None,
        host: str | None,
        port: int | None,
        database: str | None,
        query: Mapping[str, QueryValue],
    ):
        for name, value in (
            ("drivername", drivername),
            ("username", username),
            ("password", password),
            ("host", host),
            ("port", port),
            ("database", database),
            ("query", query),
        ):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("URL is immutable")

    @classmethod
    def create(
        cls,
        drivername: str,
        username: str | None = None,
        password: str | None = None,
        host: str | None = None,
        port: int | None = None,
        database: str | None = None,
        query: Mapping[str, str | Sequence[str]] | None = None,
    ) -> URL:
        """As ``sqlalchemy.engine.URL.create`` (a port is ``int()``-ed)."""
        for name, value in (
            ("drivername", drivername),
            ("username", username),
            ("host", host),
            ("database", database),
        ):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{name} must be a string")
        if port is not None:
            try:
                port = int(port)
            except TypeError:
                raise TypeError("Port argument must be an integer or None") from None
        return cls(drivername, username, password, host, port, database, _query_dict(query))

    def set(self, **changes: Any) -> URL:
        """A copy with the fields given changed (None leaves a field as it is)."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        for name, value in changes.items():
            if name not in fields:
                raise TypeError(f"unexpected field {name!r}")
            if value is not None:
                fields[name] = value
        return URL.create(**fields)

    def difference_update_query(self, names: Iterable[str]) -> URL:
        """A copy without the query options named."""
        drop = set(names)
        if not drop.intersection(self.query):
            return self
        query = {k: v for k, v in self.query.items() if k not in drop}
        return URL(
            self.drivername,
            self.username,
            self.password,
            self.host,
            self.port,
            self.database,
            query,
        )

    def get_backend_name(self) -> str:
        return self.drivername.split("+")[0]

    def render_as_string(self, hide_password: bool = True) -> str:
        """As SQLAlchemy's ``URL.render_as_string``, byte for byte."""
        s = self.drivername + "://"
        if self.username is not None:
            s += quote(self.username, safe=" +")
            if self.password is not None:
                s += ":" + ("***" if hide_password else quote(str(self.password), safe=" +"))
            s += "@"
        if self.host is not None:
            s += f"[{self.host}]" if ":" in self.host else self.host
        if self.port is not None:
            s += ":" + str(self.port)
        if self.database is not None:
            s += "/" + quote(self.database, safe=" +/")
        if self.query:
            s += "?" + "&".join(
                f"{quote_plus(k)}={quote_plus(element)}"
                for k in sorted(self.query)
                for element in _as_list(self.query[k])
            )
        return s

    def __repr__(self) -> str:
        return self.render_as_string()

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, URL) and all(
            getattr(self, name) == getattr(other, name) for name in self.__slots__
        )

    def __hash__(self) -> int:
        return hash(str(self))

    def __reduce__(self):
        fields = tuple(getattr(self, name) for name in self.__slots__[:-1])
        return (URL, (*fields, dict(self.query)))

    def sqlalchemy(self):
        """This URL as SQLAlchemy's (imports SQLAlchemy: only where it is needed)."""
        from sqlalchemy.engine import URL as SaURL

        return SaURL.create(
            self.drivername,
            self.username,
            self.password,
            self.host,
            self.port,
            self.database,
            self.query,
        )


def _as_list(value: QueryValue) -> Sequence[str]:
    return [value] if isinstance(value, str) else value


def make_url(name: str) -> URL:
    """Parse ``name`` as SQLAlchemy's ``make_url`` does. :class:`UrlError` where it does
    not match the pattern; ``ValueError`` for a port that is not an integer."""
    m = _PATTERN.match(name)
    if m is None:
        raise UrlError("Could not parse SQLAlchemy URL from given URL string")
    components = m.groupdict()
    query: dict[str, str | list[str]] | None = None
    if components["query"] is not None:
        query = {}
        for key, value in parse_qsl(components["query"]):
            if key in query:
                previous = query[key]
                if isinstance(previous, str):
                    query[key] = [previous, value]
                else:
                    previous.append(value)
            else:
                query[key] = value
    username, password, database = (
        None if components[c] is None else unquote(components[c])
        for c in ("username", "password", "database")
    )
    host = components["ipv4host"] or components["ipv6host"]
    port: Any = components["port"]
    if port:
        port = int(port)
    return URL.create(components["name"], username, password, host, port, database, query)
