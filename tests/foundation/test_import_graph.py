"""The package's import graph: no cycle between `eduwh` modules, and production code never
imports the sandbox package `eduwh_sandbox` (it reaches the stand-ins through the entry
point of `eduwh.stand_ins` only, so a deployment can leave the sandbox out).

Read from the source with `ast` (every import, also those inside functions), so a lazy
import that closes a circle counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

INCLUDE = Path(__file__).resolve().parents[2] / "include"
PACKAGES = ("eduwh", "eduwh_sandbox")


def _modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (INCLUDE / package).rglob("*.py"):
            parts = path.relative_to(INCLUDE).with_suffix("").parts
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


def _production_imports_of_the_sandbox(graph: dict[str, set[str]]) -> dict[str, list[str]]:
    offenders = {
        module: sorted(t for t in targets if t.split(".")[0] == "eduwh_sandbox")
        for module, targets in graph.items()
        if module.split(".")[0] == "eduwh"
    }
    return {module: targets for module, targets in offenders.items() if targets}


def test_the_sandbox_check_finds_an_import():
    graph = {"eduwh.cli.night": {"eduwh_sandbox.server"}, "eduwh_sandbox.cli": {"eduwh.errors"}}
    assert _production_imports_of_the_sandbox(graph) == {
        "eduwh.cli.night": ["eduwh_sandbox.server"]
    }


def test_production_code_never_imports_the_sandbox():
    graph = _graph()
    assert any(module.startswith("eduwh_sandbox.") for module in graph)  # it was read
    assert _production_imports_of_the_sandbox(graph) == {}


def test_the_stand_ins_are_reached_through_their_entry_point():
    from eduwh.cli.stand_ins import stand_ins

    plugin = stand_ins()
    assert plugin.__name__ == "eduwh_sandbox.plugin"
    assert "none" in plugin.FAULT_PROFILES and callable(plugin.SandboxServer)


def test_the_report_s_code_imports_without_great_expectations():
    """Only the checkpoint runs Great Expectations: the report, its guard and the Airflow
    plugin read the checkpoint's outcome from the quality schema (importing GX took some
    3 s of each `eduwh report`). In a fresh interpreter, where no other test imported it."""
    import subprocess
    import sys

    probe = (
        "import sys, eduwh.quality, eduwh.report.publish, eduwh.cli.report;"
        " print('great_expectations' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "False"
