"""The dbt tests' outcome of the last build, as checkpoint rows (never run again here).

Every row rule of a mart (keys, identities, bounds, the Decision 766 checks) is a dbt
test. The checkpoint reports what the build found: dbt's run_results.json of the last
invocation that ran tests (`dbt build` / `dbt test`), each test named by its manifest
entry (the test's description, else its expression or column, else its name).
"""

from __future__ import annotations

import json
from pathlib import Path

from eduwh.config import Settings
from eduwh.warehouse.dbt import dbt_paths

SUITE_PREFIX = "dbt."
WITH_TESTS = ("build", "test")
# dbt's test statuses: pass, fail, warn (a test of severity warn that found rows), error
# (the test's SQL failed), skipped (an upstream node failed).
FAILED = ("fail", "error", "skipped")


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def test_rows(settings: Settings) -> tuple[list[dict], list[str]]:
    """(checkpoint rows of the last build's dbt tests, notes). No rows, with a note,
    when no dbt invocation with tests left its results under the state folder."""
    target, _ = dbt_paths(settings)
    results = _read(target / "run_results.json")
    manifest = _read(target / "manifest.json") or {}
    if results is None:
        return [], ["dbt tests: no run_results.json under the state folder (no build yet)"]
    which = (results.get("args") or {}).get("which")
    if which not in WITH_TESTS:
        return [], [f"dbt tests: the last dbt invocation (`dbt {which}`) ran no tests"]
    nodes = manifest.get("nodes", {})
    rows = []
    for result in results.get("results", []):
        unique_id = result.get("unique_id", "")
        if unique_id.startswith("test."):
            rows.append(_row(result, nodes.get(unique_id, {}), len(rows)))
    return rows, []


def _row(result: dict, node: dict, number: int) -> dict:
    model = _tested_model(node)
    metadata = node.get("test_metadata") or {}
    kwargs = metadata.get("kwargs") or {}
    status = result.get("status")
    failures = result.get("failures")
    warned = status == "warn"
    return {
        "suite": SUITE_PREFIX + (model or node.get("name", result.get("unique_id", "?"))),
        "asset": f"marts.{model}" if model else "dbt",
        "expectation_type": f"dbt_test:{metadata.get('name') or 'singular'}",
        "column_name": node.get("column_name"),
        "description": node.get("description")
        or kwargs.get("expression")
        or node.get("column_name")
        or node.get("name"),
        "success": status == "pass",
        "severity": "warning" if warned else "critical",
        "observed_value": str(failures) if failures is not None else status,
        "unexpected_count": failures,
        "exception": result.get("message") if status == "error" else None,
        "expectation_no": number,
    }


def _tested_model(node: dict) -> str | None:
    """The model a test tests: its attached node (generic tests), else its first parent."""
    parent = node.get("attached_node") or next(
        (p for p in node.get("depends_on", {}).get("nodes", []) if p.startswith("model.")), None
    )
    return parent.rsplit(".", 1)[-1] if parent else None
