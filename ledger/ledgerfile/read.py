"""Read a ledger file into a located raw tree: every value with the line it came from.

Nothing here knows event kinds; :mod:`.validate` turns the tree into events. Formats by
extension:

* ``.yaml`` / ``.yml`` -- composed with ``yaml.compose`` (safe), so each value keeps its
  node's line. Numbers are kept as the text written (``27777.78``), never as floats;
  only booleans, nulls and dates are interpreted by YAML.
* ``.json`` -- checked with :mod:`json`, then read through the same YAML composer for
  line numbers (JSON is flow-style YAML). With ``lines=False`` (the import's first pass)
  the values come straight from :mod:`json` without line numbers -- thirty times faster;
  a file found to have problems is read again with lines before they are reported (see
  :func:`ledger.app.importing`), so a user never sees a problem without its line.
* ``.csv`` -- one row per record, the first row names the columns; see
  :mod:`ledger.ledgerfile` for the convention. Every cell is text; an empty cell is absent.

A worked-example file (``ledger:`` beside ``expect:``, as in ``tests/examples``) is read as
its ``ledger:`` section.

A file that cannot be read at all (missing, a directory, binary, a syntax error, empty,
not a mapping) raises :class:`~ledger.errors.InvalidInput` with one problem.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml
from yaml.constructor import SafeConstructor

from ..csvcells import unescape
from ..dataclass import dataclass
from ..errors import InvalidInput, Problem, shown

if TYPE_CHECKING:
    import csv

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv"}
#: the largest ledger file read (YAML, about ten times slower to read than JSON, less):
#: a firm's ledger is one file a household, each far smaller
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_YAML_BYTES = 8 * 1024 * 1024
#: how deep data may nest (a ledger file needs four levels)
MAX_DEPTH = 40
#: how many values the YAML aliases of one file may stand for, each use counted whole
MAX_ALIAS_EXPANSION = 100_000


class Node(NamedTuple):
    """A value (scalar, ``dict[str, Node]`` or ``list[Node]``) and its 1-based line.

    A named tuple rather than a frozen dataclass: an import builds one per value read,
    and a tuple is built three times faster."""

    value: Any
    line: int | None

    def plain(self) -> Any:
        """The value without line numbers (for messages about nested data)."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


@dataclass(slots=True)
class RawLedger:
    """The file's sections, still untyped. ``problems`` are shape problems found while
    reading (duplicate keys...); validation adds its own and reports them all."""

    file: str
    root: Node
    problems: list[Problem] = field(default_factory=list)
    lines: bool = True  # False: a JSON file read without line numbers (lines=False)


class _Fatal(Exception):
    def __init__(self, line: int | None, message: str):
        self.line = line
        self.message = message


def read_ledger_file(path: str | Path, lines: bool = True) -> RawLedger:
    """Read ``path`` (see the module docstring); raise InvalidInput if unreadable.

    ``lines=False`` lets a JSON file skip line numbers (``RawLedger.lines`` says whether
    the tree has them); other formats always have them."""
    name = str(path)
    try:
        fmt = FORMATS.get(Path(path).suffix.lower())
        if _is_dir(Path(path)):
            raise _Fatal(None, "is a directory, not a ledger file")
        if fmt is None:
            raise _Fatal(None, "unknown file type: use .yaml, .yml, .json or .csv")
        text = _read_text(Path(path), MAX_YAML_BYTES if fmt == "yaml" else MAX_FILE_BYTES)
        problems: list[Problem] = []
        exact = True
        if fmt == "csv":
            root = _from_csv(text, name, problems)
        else:
            if fmt == "json":
                root = _from_json(text, name, problems, lines)
                exact = lines or problems != [] or root.line is not None
            else:
                root = _from_yaml(text, name, problems)
        if root.value is None or root.value == "":
            raise _Fatal(None, "the file is empty")
        if not isinstance(root.value, dict):
            raise _Fatal(
                root.line,
                "the file must be a mapping with version, household, people and events",
            )
        root = _worked_case_ledger(root)
        return RawLedger(name, root, problems, exact)
    except _Fatal as exc:
        raise InvalidInput([Problem(name, exc.line, None, exc.message)]) from None


#: the keys of a worked-example file (tests/examples, ../shared/examples/README.md)
CASE_KEYS = frozenset({"name", "about", "source", "citation", "assumptions", "ledger", "expect"})


def _worked_case_ledger(root: Node) -> Node:
    """A worked-example file (its ledger under ``ledger:`` beside ``expect:``) is read as
    its ``ledger:`` section, so a published case can be imported as it is."""
    ledger = root.value.get("ledger")
    if (
        ledger is not None
        and isinstance(ledger.value, dict)
        and "household" not in root.value
        and set(root.value) <= CASE_KEYS
    ):
        return ledger
    return root


_CHUNK = 1024 * 1024


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long, a loop of links: reading it says why
        return False


def _read_at_most(stream: io.RawIOBase | io.BufferedIOBase, size: int) -> bytes:
    """Up to ``size`` bytes, read in chunks: ``read(size)`` would allocate ``size`` bytes
    for any file, 64 MB for a one-line one (a FIFO or /dev/zero has no size to ask)."""
    chunks: list[bytes] = []
    left = size
    while left > 0:
        chunk = stream.read(min(left, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_text(path: Path, limit: int, buffered: bool = False) -> str:
    """The file's text (UTF-8, a BOM dropped), or :class:`_Fatal` saying why not.

    Read unbuffered (``open(path, "rb", buffering=0)``: each chunk one ``read`` into
    its own bytes, no buffer object copying it on; and the builtin ``open``, not
    ``Path.open``'s Python frames): half of reading a firm's 8 KB file, the same bytes.
    ``buffered=True`` reads as it did before, through ``Path.open`` (the reference:
    ``tests/test_ledgerfile.py`` compares the texts and the problems on files of every
    sort)."""
    try:
        with path.open("rb") if buffered else open(path, "rb", buffering=0) as stream:
            data = _read_at_most(stream, limit + 1)
    except FileNotFoundError:
        raise _Fatal(None, "no such file") from None
    except IsADirectoryError:
        raise _Fatal(None, "is a directory, not a ledger file") from None
    except PermissionError:
        raise _Fatal(None, "permission denied") from None
    except OSError as exc:
        raise _Fatal(None, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise _Fatal(
            None,
            f"the file is larger than {limit // (1024 * 1024)} MB (the limit for a "
            f"{path.suffix.lstrip('.').upper()} ledger file; split it, one household a file)",
        )
    if b"\x00" in data:
        raise _Fatal(None, "not a text file (binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Fatal(None, "not a text file (not UTF-8)") from None
    if not text.strip():
        raise _Fatal(None, "the file is empty")
    return text


# --- YAML (and JSON through the YAML composer) -----------------------------------------

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
#: the tags a ledger file's values may have: YAML's core schema (plain values, lists and
#: mappings). Anything else (``!!python/object``, ``!!binary``, ``!!set``, ``!custom``) is
#: refused, never read as the text after it
_CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)


def _scalar(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    tag = node.tag
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return SafeConstructor.bool_values.get(node.value.lower(), node.value)
    if tag == _TIMESTAMP:
        try:
            value = SafeConstructor.construct_yaml_timestamp(loader, node)
        except (ValueError, AttributeError, TypeError, OverflowError, yaml.YAMLError):
            return node.value  # `!!timestamp notadate`: the text, refused as a date later
        # a date with a time of day is not a ledger date: keep the text for the message
        return value if type(value).__name__ == "date" else node.value
    value = node.value  # str, int and float as written: no float ever
    if not value.isascii() and _has_surrogate(value):
        raise _Fatal(node.start_mark.line + 1, "not valid Unicode (a lone surrogate escape)")
    return value


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class _Loader(yaml.SafeLoader):
    """The safe loader with two budgets: nesting (:data:`MAX_DEPTH`) and what aliases
    expand to (:data:`MAX_ALIAS_EXPANSION` values in all). The composer shares an
    aliased node rather than copying it, and the walk below visits each node once; the
    budget refuses an alias bomb before anything downstream could expand it."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._expanded = 0
        self._sizes: dict[int, int] = {}

    def fetch_flow_collection_start(self, TokenClass):
        # the scanner looks far ahead inside ``[[[[...`` (each could start a key): the
        # depth is checked here, before that, so ten thousand brackets cost nothing
        if self.flow_level >= MAX_DEPTH:
            raise _Fatal(
                self.get_mark().line + 1,
                f"the data nests too deeply (more than {MAX_DEPTH} levels)",
            )
        super().fetch_flow_collection_start(TokenClass)

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            anchor = self.anchors.get(event.anchor)
            if anchor is not None:
                self._expanded += _size(anchor, self._sizes)
                if self._expanded > MAX_ALIAS_EXPANSION:
                    raise _Fatal(
                        event.start_mark.line + 1,
                        f"YAML aliases expand to more than {MAX_ALIAS_EXPANSION:,} values "
                        "(an alias bomb?)",
                    )
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _Fatal(
                    mark.line + 1, f"the data nests too deeply (more than {MAX_DEPTH} levels)"
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many values ``node`` stands for when expanded (each shared node counted at
    every use), memoised per node; a node still being composed counts as one."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    sizes[key] = 1  # a recursive alias meets itself: counted once
    if isinstance(node, yaml.SequenceNode):
        total = 1 + sum(_size(n, sizes) for n in node.value)
    elif isinstance(node, yaml.MappingNode):
        total = 1 + sum(_size(k, sizes) + _size(v, sizes) for k, v in node.value)
    else:
        total = 1
    sizes[key] = min(total, MAX_ALIAS_EXPANSION + 1)
    return sizes[key]


def _from_yaml(text: str, name: str, problems: list[Problem]) -> Node:
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        raise _reader_error(text, exc) from None
    try:
        try:
            node = loader.get_single_node()
        except yaml.reader.ReaderError as exc:
            raise _reader_error(text, exc) from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            message = f"YAML syntax error: {exc.problem or exc.context}"
            if exc.problem and exc.context and exc.context_mark is not None:
                where = exc.context_mark.line + 1
                if where != line:
                    message += f" ({exc.context} started on line {where})"
            raise _Fatal(line, message) from None
        except yaml.YAMLError as exc:
            raise _Fatal(None, f"YAML syntax error: {exc}") from None
        if node is None:
            raise _Fatal(None, "the file is empty")
        done: dict[int, Node] = {}
        return _walk(loader, node, name, problems, done, set(), 0)
    finally:
        loader.dispose()


def _reader_error(text: str, exc: yaml.reader.ReaderError) -> _Fatal:
    line = text.count("\n", 0, max(exc.position, 0)) + 1
    return _Fatal(line, f"not a text file (control character #x{exc.character:04x})")


def _walk(loader, node, name, problems, done, active, depth) -> Node:
    key = id(node)
    if key in done:
        return done[key]
    line = node.start_mark.line + 1
    if key in active or depth > MAX_DEPTH:
        raise _Fatal(
            line,
            f"the data nests too deeply (more than {MAX_DEPTH} levels; a recursive YAML alias?)",
        )
    if node.tag not in _CORE_TAGS:
        raise _Fatal(line, f"the YAML tag {_tag_name(node.tag)} is not allowed (plain values only)")
    active.add(key)
    if isinstance(node, yaml.ScalarNode):
        out = Node(_scalar(loader, node), line)
    elif isinstance(node, yaml.SequenceNode):
        out = Node(
            [_walk(loader, n, name, problems, done, active, depth + 1) for n in node.value], line
        )
    else:
        mapping: dict[str, Node] = {}
        for knode, vnode in node.value:
            kline = knode.start_mark.line + 1
            if knode.tag not in _CORE_TAGS:
                raise _Fatal(
                    kline, f"the YAML tag {_tag_name(knode.tag)} is not allowed (plain values only)"
                )
            if not isinstance(knode, yaml.ScalarNode):
                problems.append(Problem(name, kline, None, "a key must be a plain name"))
                continue
            k = str(knode.value)
            if k in mapping:
                problems.append(Problem(name, kline, k, "given twice"))
                continue
            value = _walk(loader, vnode, name, problems, done, active, depth + 1)
            # the line of a field is the line of its key
            mapping[k] = (
                Node(value.value, kline) if not isinstance(value.value, (dict, list)) else value
            )
        out = Node(mapping, line)
    active.discard(key)
    done[key] = out
    return out


def _tag_name(tag: str) -> str:
    short = "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag
    return repr(short if len(short) <= 40 else short[:40] + "...")


class _Constant(Exception):
    """NaN, Infinity or -Infinity in a JSON file: Python's extension, not JSON (RFC 8259)."""


def _no_constant(name: str) -> str:
    raise _Constant(name)


_CONSTANT = re.compile(r"(?<=[\s:,\[])-?(?:NaN|Infinity)\b")


def _from_json(text: str, name: str, problems: list[Problem], lines: bool = True) -> Node:
    duplicate = False

    def pairs(items):
        nonlocal duplicate
        out = dict(items)
        duplicate = duplicate or len(out) != len(items)
        return out

    def nodes(items):  # lines=False: each object straight into Nodes, in the one parse
        nonlocal duplicate
        mapping = {}
        for key, value in items:  # most values are scalars: no call for them
            kind = type(value)
            mapping[key] = (
                value
                if kind is Node
                else _list_node(value)
                if kind is list
                else _new(Node, (value, None))
            )
        duplicate = duplicate or len(mapping) != len(items)
        return _new(Node, (mapping, None))

    if "\\u" in text:
        bad = _LONE_SURROGATE.search(text)
        if bad is not None:
            line = text.count("\n", 0, bad.start()) + 1
            raise _Fatal(line, "not valid Unicode (a lone surrogate escape)")
    try:
        data = json.loads(
            text,
            parse_float=str,
            parse_int=str,
            parse_constant=_no_constant,
            object_pairs_hook=pairs if lines else nodes,
        )
    except json.JSONDecodeError as exc:
        raise _Fatal(exc.lineno, f"JSON syntax error: {exc.msg}") from None
    except _Constant as exc:
        where = _CONSTANT.search(text)
        at = text.count("\n", 0, where.start()) + 1 if where else None
        raise _Fatal(at, f"JSON syntax error: {exc} is not a JSON value") from None
    except RecursionError:
        raise _Fatal(None, f"the data nests too deeply (more than {MAX_DEPTH} levels)") from None
    if not lines:
        if not duplicate:  # else a key given twice is reported with its line (below)
            return data if type(data) is Node else _plain_node(data, None, 0)
        return _from_json(text, name, problems, lines=True)
    try:
        found: list[Problem] = []
        root = _from_yaml(text, name, found)  # same values, with line numbers
        problems.extend(found)
        return root
    except (_Fatal, RecursionError):
        return _plain_node(data, None, 0)


#: a JSON \\uD800-\\uDFFF escape that is not half of a pair: Python would read it into a
#: string no file, database or terminal can take
_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)

_new = tuple.__new__  # Node((value, line)) without the named tuple's Python __new__


def _list_node(values: list) -> Node:
    """A JSON array whose objects are Nodes already (``_from_json``'s ``nodes`` hook)."""
    return _new(
        Node,
        (
            [
                v
                if type(v) is Node
                else _list_node(v)
                if type(v) is list
                else _new(Node, (v, None))
                for v in values
            ],
            None,
        ),
    )


def _plain_node(value: Any, line: int | None, depth: int) -> Node:
    """Values from :mod:`json` as Nodes (all with ``line``); the import's hot path."""
    if depth > MAX_DEPTH:
        raise _Fatal(line, f"the data nests too deeply (more than {MAX_DEPTH} levels)")
    kind = type(value)
    if kind is dict:
        mapping = {}
        for k, v in value.items():  # most values are scalars: no call for them
            vkind = type(v)
            mapping[k if type(k) is str else str(k)] = (
                _plain_node(v, line, depth + 1)
                if vkind is dict or vkind is list
                else _new(Node, (v, line))
            )
        return _new(Node, (mapping, line))
    if kind is list:
        return _new(Node, ([_plain_node(v, line, depth + 1) for v in value], line))
    return _new(Node, (value, line))


# --- CSV ---------------------------------------------------------------------------


def _csv_message(exc: csv.Error) -> str:
    text = str(exc)
    if "end of data" in text or "expected after" in text:
        return f"CSV error: {text} (a quote left open? a quoted cell ends at its closing quote)"
    return f"CSV error: {text}"


HOUSEHOLD_ROW = "household"
PERSON_ROW = "person"


def _from_csv(text: str, name: str, problems: list[Problem]) -> Node:
    # strict: a quote left open (or text after a closing quote) is an error, not a cell
    # that swallows the rest of the file
    import csv  # only a CSV file needs it (start-up of every import)

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise _Fatal(1, _csv_message(exc)) from None
    if not header or not any(c.strip() for c in header):
        raise _Fatal(1, "the file is empty")
    columns = [c.strip() for c in header]
    seen: dict[str, int] = {}
    for number, column in enumerate(columns, 1):
        if column and column in seen:  # never the last cell silently winning
            raise _Fatal(
                1,
                f"column {shown(column)} given twice (columns {seen[column]} and {number})",
            )
        seen[column] = number
    if "kind" not in columns:
        raise _Fatal(1, "a ledger CSV needs a 'kind' column (see roth-ledger import --help)")
    household: dict[str, Node] | None = None
    household_line = None
    people: list[Node] = []
    events: list[Node] = []
    line = 2
    try:
        while True:
            line = reader.line_num + 1
            row = next(reader, None)
            if row is None:
                break
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(columns):
                problems.append(
                    Problem(name, line, None, f"{len(row)} cells but {len(columns)} columns")
                )
                continue
            cells = {
                c: Node(unescape(v.strip()), line) for c, v in zip(columns, row) if c and v.strip()
            }
            if "" in seen and any(not c and v.strip() for c, v in zip(columns, row)):
                problems.append(Problem(name, line, None, "a value in a column with no name"))
                continue
            kind = cells.get("kind")
            if kind is not None and kind.value == HOUSEHOLD_ROW:
                if household is not None:
                    problems.append(
                        Problem(
                            name,
                            line,
                            "kind",
                            f"a second household row (first on line {household_line})",
                        )
                    )
                    continue
                household, household_line = {k: v for k, v in cells.items() if k != "kind"}, line
            elif kind is not None and kind.value == PERSON_ROW:
                people.append(Node({k: v for k, v in cells.items() if k != "kind"}, line))
            else:
                events.append(Node(cells, line))
    except csv.Error as exc:
        raise _Fatal(line, _csv_message(exc)) from None
    root: dict[str, Node] = {"version": Node("1", 1)}
    if household is not None:
        root["household"] = Node(household, household_line)
    root["people"] = Node(people, 1)
    root["events"] = Node(events, 1)
    return Node(root, 1)
