"""The store's own URLs and connection arguments (ledger.store.dburl, ledger.store.dbapi)
against SQLAlchemy's, the reference: the same fields, the same rendering (every message
naming a database shows it), the same errors, the same arguments for the drivers."""

from __future__ import annotations

import warnings
from urllib.parse import quote

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import make_url as sa_make_url
from sqlalchemy.exc import ArgumentError

from ledger.errors import LedgerError
from ledger.store import dbapi
from ledger.store.dburl import URL, make_url
from ledger.store.urls import resolve

FIELDS = ("drivername", "username", "password", "host", "port", "database")

#: characters that matter to the pattern and to quoting, and some that do not
SPECIAL = st.sampled_from(list(":/@?#&=%+[] !$'()*,;~\\\"é€\t") + ["%40", "%2F", "%3A", "%25"])
TEXT = st.lists(
    st.one_of(SPECIAL, st.text(alphabet="abcXYZ019._-", min_size=1, max_size=4)), max_size=5
).map("".join)
SCHEMES = st.sampled_from(
    ["postgresql", "postgresql+psycopg", "postgres", "sqlite", "sqlite+pysqlite", "mysql", "a+b+c"]
)
HOSTS = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(["localhost", "db.example.org", "127.0.0.1", "[::1]", "[fe80::1%25eth0]"]),
    TEXT,
)
PORTS = st.one_of(st.none(), st.sampled_from(["", "5432", "0", "65536", "+5", " 7", "5_4", "x"]))


def maybe_quoted(value: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(value, value.map(lambda v: quote(v, safe="")))


@st.composite
def urls(draw) -> str:
    raw = draw(SCHEMES) + "://"
    user = draw(st.one_of(st.none(), maybe_quoted(TEXT)))
    if user is not None:
        raw += user
        password = draw(st.one_of(st.none(), maybe_quoted(TEXT)))
        if password is not None:
            raw += ":" + password
        raw += "@"
    host = draw(HOSTS)
    if host:
        raw += host
    port = draw(PORTS)
    if port is not None:
        raw += ":" + port
    database = draw(st.one_of(st.none(), maybe_quoted(TEXT), st.just("/abs/path.db")))
    if database is not None:
        raw += "/" + database
    query = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["options", "sslmode", "host", "a", "mode", "timeout", "uri"]),
                maybe_quoted(TEXT),
            ),
            max_size=4,
        )
    )
    if query or draw(st.booleans()):
        raw += "?" + "&".join(f"{k}={v}" for k, v in query)
    return raw


def reference(raw: str):
    """SQLAlchemy's parse, or the kind of error it raised."""
    try:
        url = sa_make_url(raw)
        url.port  # noqa: B018
        return url
    except ArgumentError:
        return "no match"
    except (ValueError, TypeError) as exc:
        return type(exc).__name__


def ours(raw: str):
    try:
        return make_url(raw)
    except (ValueError, TypeError) as exc:
        return "no match" if type(exc).__name__ == "UrlError" else type(exc).__name__


def same(url: URL, sa) -> None:
    assert [getattr(url, f) for f in FIELDS] == [getattr(sa, f) for f in FIELDS]
    assert dict(url.query) == dict(sa.query)
    for hide in (True, False):
        assert url.render_as_string(hide_password=hide) == sa.render_as_string(hide_password=hide)
    assert str(url) == str(sa) and url.get_backend_name() == sa.get_backend_name()
    assert url.sqlalchemy() == sa


@settings(max_examples=600, deadline=None)
@given(st.one_of(urls(), st.text(max_size=40), st.text(max_size=30).map("postgresql://".__add__)))
@example("postgresql+psycopg://u:p%40ss@[::1]:5432/db?options=-csearch_path%3Dx&sslmode=require")
@example("postgresql://user:pa:ss@host/db?a=1&a=2&a=3")
@example("postgresql://h:/db")
@example("postgresql://h:99999999999999999999/db")
@example("sqlite:///relative/x.db?mode=ro&uri=true")
@example("sqlite://")
@example("://x")
def test_the_parse_is_sqlalchemys(raw):
    expected, got = reference(raw), ours(raw)
    if isinstance(expected, str):
        assert got == expected
        return
    assert isinstance(got, URL)
    same(got, expected)
    changed = got.set(drivername="postgresql+psycopg", database="other")
    same(changed, expected.set(drivername="postgresql+psycopg", database="other"))
    same(got.difference_update_query(["options"]), expected.difference_update_query(["options"]))


@settings(max_examples=300, deadline=None)
@given(urls())
@example("sqlite:///~:")
def test_resolve_says_what_it_said_with_sqlalchemy(raw):
    """``resolve`` (now on dburl) against the same function run on SQLAlchemy's parser."""
    import ledger.store.urls as urls_module

    def outcome():
        try:
            return str(resolve(raw))
        except (LedgerError, RuntimeError) as exc:  # RuntimeError: expanduser of '~:'
            return f"{type(exc).__name__}: {exc}"

    mine = outcome()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(urls_module, "make_url", _sa_parse)
        patch.setattr(urls_module, "URL", _SaURL)
        theirs = outcome()
    assert mine == theirs


def _sa_parse(raw: str):
    try:
        return sa_make_url(raw)
    except ArgumentError as exc:
        raise ValueError(str(exc)) from None


class _SaURL:
    create = staticmethod(lambda *a, **kw: __import__("sqlalchemy").engine.URL.create(*a, **kw))


@settings(max_examples=300, deadline=None)
@given(urls())
def test_postgresql_connect_arguments_are_sqlalchemys(raw):
    url = ours(raw)
    if not isinstance(url, URL):
        return
    try:
        _, expected = PGDialect_psycopg(use_native_hstore=False).create_connect_args(
            url.difference_update_query(["options"]).sqlalchemy()
        )
    except (ArgumentError, ValueError, TypeError) as exc:
        with pytest.raises((dbapi.ArgumentError, ValueError, TypeError)) as raised:
            dbapi.pg_connect_args(url)
        if isinstance(exc, ArgumentError):
            assert str(raised.value) == str(exc)
        return
    expected.pop("context", None)
    assert dbapi.pg_connect_args(url) == expected


@settings(max_examples=300, deadline=None)
@given(urls())
def test_sqlite_connect_arguments_are_sqlalchemys(raw):
    url = ours(raw)
    if not isinstance(url, URL):
        return
    url = url.set(drivername="sqlite")
    dialect = SQLiteDialect_pysqlite()
    try:
        with warnings.catch_warnings(record=True) as reference_said:
            warnings.simplefilter("always")
            args, expected = dialect.create_connect_args(url.sqlalchemy())
    except (ArgumentError, ValueError, TypeError) as exc:
        with pytest.raises((dbapi.ArgumentError, ValueError, TypeError)) as raised:
            dbapi.sqlite_connect_args(url)
        assert str(raised.value) == str(exc).split("\n(Background")[0]
        return
    expected.pop("factory", None)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        assert dbapi.sqlite_connect_args(url) == (args[0], expected)
    assert [str(w.message) for w in said] == [str(w.message) for w in reference_said]


def test_a_url_pickles_as_itself():
    import pickle

    url = make_url("postgresql+psycopg://u:p@h:1/d?a=1&a=2&options=x")
    assert pickle.loads(pickle.dumps(url)) == url
    with pytest.raises(AttributeError):
        url.host = "other"  # type: ignore[misc]
