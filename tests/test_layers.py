"""The layer diagram is enforced: every import of every module of ``ledger/``, ``cli/`` and
``migrations/`` (read with ``ast``, including imports inside functions and under
``TYPE_CHECKING``) must be an edge the README's layer table allows.

The table lives in README.md ("How it is built", between the ``layers`` markers) so the
diagram a reader sees is the one the test checks. A module belongs to the longest layer
name that prefixes it; a layer may import itself; the standard library is always allowed;
any other package must be listed for the layer.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ledger", "cli", "migrations")


@dataclass(frozen=True)
class Layer:
    name: str
    may_import: frozenset[str]
    third_party: frozenset[str]


def readme_layers() -> dict[str, Layer]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- layers: start -->(.*?)<!-- layers: end -->", text, re.S)
    assert block, "README.md has no layer table between <!-- layers: start/end --> markers"
    layers: dict[str, Layer] = {}
    for line in block.group(1).strip().splitlines()[2:]:  # skip the header and the rule
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cells) == 3, f"layer table row needs 3 cells: {line!r}"
        name, deps, third = ([n for n in re.findall(r"`([^`]+)`", c)] for c in cells)
        assert len(name) == 1, line
        layers[name[0]] = Layer(name[0], frozenset(deps), frozenset(third))
    return layers


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


MODULES = modules()


def _type_checking_only(tree: ast.AST) -> set[ast.AST]:
    """The import statements under ``if TYPE_CHECKING:`` (never run)."""
    out: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            out.update(n for stmt in node.body for n in ast.walk(stmt))
    return out


def imports(name: str, path: Path, runtime: bool = False) -> list[tuple[int, str]]:
    """(line, imported module) for every import statement in the module (``runtime``:
    not those under ``if TYPE_CHECKING:``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    skip = _type_checking_only(tree) if runtime else set()
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if node in skip:
            continue
        if isinstance(node, ast.Import):
            out.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:  # `from ledger import events` imports ledger.events
                sub = f"{module}.{alias.name}"
                out.append((node.lineno, sub if sub in MODULES else module))
    return out


def layer_of(module: str, layers: dict[str, Layer]) -> str | None:
    best = None
    for name in layers:
        if (module == name or module.startswith(name + ".")) and len(name) > len(best or ""):
            best = name
    return best


def test_the_table_names_real_modules():
    layers = readme_layers()
    for name, layer in layers.items():
        assert name in MODULES, f"layer {name} is not a module or package"
        for dep in layer.may_import:
            assert dep in layers, f"{name} may import {dep}, which is not a layer"


def test_every_module_is_in_the_diagram():
    layers = readme_layers()
    unplaced = [m for m in MODULES if layer_of(m, layers) is None]
    assert not unplaced, f"modules outside the README's layer table: {unplaced}"


def test_no_import_runs_against_the_diagram():
    layers = readme_layers()
    stdlib = set(sys.stdlib_module_names)
    wrong = []
    for name, path in MODULES.items():
        own = layers[layer_of(name, layers) or ""]
        for line, target in imports(name, path):
            top = target.split(".")[0]
            where = f"{path.relative_to(ROOT)}:{line}: {name} imports {target}"
            if top in PACKAGES:
                dep = layer_of(target, layers)
                if dep != own.name and dep not in own.may_import:
                    wrong.append(f"{where} ({own.name} may not import {dep})")
            elif top not in stdlib and top not in own.third_party:
                wrong.append(f"{where} (a third-party package {own.name} may not use)")
    assert not wrong, "imports against the layer diagram:\n" + "\n".join(wrong)


def test_the_check_sees_a_wrong_edge(tmp_path):
    """The checker itself: a rule importing the store, or click, is caught."""
    layers = readme_layers()
    rules, store = layers["ledger.rules"], layer_of("ledger.store.sql", layers)
    assert store not in rules.may_import and "click" not in rules.third_party
    assert "sqlalchemy" not in rules.third_party and "sqlmodel" not in rules.third_party
    bad = tmp_path / "bad.py"
    bad.write_text("from ..store import api\nimport click\ndef f():\n    from ledger import app\n")
    found = [t for _, t in imports("ledger.rules.bad", bad)]
    assert found == ["ledger.store.api", "click", "ledger.app"]


def test_no_import_cycle():
    """No module imports, however lazily, one that imports it back (``TYPE_CHECKING``
    imports aside): the layers are a graph without loops inside them too."""
    graph = {
        name: {t for _, t in imports(name, path, runtime=True) if t in MODULES and t != name}
        for name, path in MODULES.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in graph:
        if name not in index:
            visit(name)
    assert not cycles, f"modules that import each other: {cycles}"


@pytest.mark.parametrize("banned", ["sqlalchemy", "sqlmodel", "click", "ledger.store"])
def test_rules_import_nothing_of(banned):
    for name, path in MODULES.items():
        if name == "ledger.rules" or name.startswith("ledger.rules."):
            for line, target in imports(name, path):
                assert target != banned and not target.startswith(banned + "."), (
                    f"{path.relative_to(ROOT)}:{line}: {target}"
                )


def test_each_command_calls_one_use_case():
    """A command function (or a helper of one) imports at most one ``ledger.app`` callable:
    parse, call one use case, print. Constants (CAPITALS) do not count."""
    many = []
    for name, path in MODULES.items():
        if not name.startswith("cli.commands."):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            called = [
                alias.name
                for node in ast.walk(fn)
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ledger.app")
                for alias in node.names
                if not alias.name.isupper()
            ]
            if len(called) > 1:
                many.append(f"{path.relative_to(ROOT)}:{fn.lineno}: {fn.name} calls {called}")
    assert not many, "\n".join(many)


def test_exit_codes_agree():
    from cli import main
    from ledger.app import session

    assert (main.EXIT_CONFLICT, main.EXIT_STORE, main.EXIT_VERIFY) == (
        session.EXIT_CONFLICT,
        session.EXIT_STORE,
        session.EXIT_VERIFY,
    )
