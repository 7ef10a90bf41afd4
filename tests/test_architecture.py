"""The package's shape: no import cycles, and each package imports only what
``docs/architecture.md`` allows.

The graph counts every import of a ``langlab`` module, at module level and inside functions
alike (an import inside a function is still a dependency; it only hides a cycle). An import of
a package counts as an edge to the package's ``__init__``; ``from pkg import sub`` where ``sub``
is a module counts as an edge to ``pkg.sub``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "langlab"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in ROOT.rglob("*.py")}


def _resolve(current: str, is_package: bool, level: int, module: str | None) -> str:
    if level == 0:
        return module or ""
    base = current.split(".") if is_package else current.split(".")[:-1]
    base = base[:len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def imports_of(name: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "langlab")
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(name, is_package, node.level, node.module)
            if target.split(".")[0] != "langlab":
                continue
            subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES]
            out.update(subs)
            if len(subs) < len(node.names):
                out.add(target)
    out.discard(name)
    return {m for m in out if m in MODULES}


GRAPH = {name: imports_of(name, path) for name, path in MODULES.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle as a list of module names (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return None


def test_no_import_cycles():
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_graph_sees_imports_inside_functions(tmp_path):
    assert "langlab.languages.spec" in GRAPH["langlab.languages.registry"]
    assert "langlab.languages.cfg" in GRAPH["langlab.languages.spec.build"]


# What each top-level area may import (docs/architecture.md, "Who may import what").
ALLOWED = {
    "errors": set(),
    "yamlio": {"errors"},
    "languages": {"errors", "yamlio"},
    "reference": {"errors"},
    "data": {"errors", "languages"},
    "tasks": {"errors", "languages", "data"},
    "models": {"errors"},
    "harness": {"errors", "yamlio", "languages", "data", "tasks", "models", "reference"},
    "report": {"errors", "languages", "data", "tasks", "harness", "reference"},
    "cli": {"errors", "yamlio", "languages", "data", "tasks", "models", "harness", "report",
            "reference"},
}


def area(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_layering(module):
    mine = area(module)
    if mine in ("", "__main__", "grammars"):
        return  # the top-level package re-exports; __main__ calls the CLI
    allowed = ALLOWED[mine] | {mine, ""}
    bad = sorted(m for m in GRAPH[module] if area(m) not in allowed)
    assert not bad, f"{module} imports {bad}; {mine}/ may import only {sorted(ALLOWED[mine])}"
