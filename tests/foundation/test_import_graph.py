"""The package's import graph: no cycle between `eduwh` modules, and production code never
imports the sandbox (DESIGN.md: "nothing outside the CLI and the tests imports it").

Read from the source with `ast` (every import, also those inside functions), so a lazy
import that closes a circle counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "include" / "eduwh"
# The entry points that start the sandbox for a local night; nothing else may.
MAY_IMPORT_SANDBOX = {"eduwh.cli", "eduwh.night", "eduwh.main_job"}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        modules[".".join(parts).removesuffix(".__init__")] = path
    return modules


def _graph() -> dict[str, set[str]]:
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name not in modules and "." in name:
            name = name.rsplit(".", 1)[0]
        return name if name in modules else None

    graph = {}
    for name, path in modules.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {resolve(alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    targets.add(resolve(f"{node.module}.{alias.name}") or resolve(node.module))
        graph[name] = {t for t in targets if t and t != name and t.startswith("eduwh")}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_between_eduwh_modules():
    graph = _graph()
    assert len(graph) > 40  # the whole package was read
    assert _cycles(graph) == []


def test_production_code_never_imports_the_sandbox():
    offenders = {
        module: sorted(t for t in targets if t.startswith("eduwh.sandbox"))
        for module, targets in _graph().items()
        if not module.startswith("eduwh.sandbox") and module not in MAY_IMPORT_SANDBOX
    }
    assert {module: targets for module, targets in offenders.items() if targets} == {}
