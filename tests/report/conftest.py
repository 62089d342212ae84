"""Fixtures of the report tests: the 2019 figures as a dict, and a built warehouse."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from eduwh.config import PROJECT_ROOT
from tests.report.warehouse_build import build_warehouse

MANUAL_SEED = PROJECT_ROOT / "dbt_project" / "seeds" / "manual" / "manual_figures.csv"
PLAN_SEED = PROJECT_ROOT / "dbt_project" / "seeds" / "manual" / "plan_tasks.csv"


@pytest.fixture(scope="session")
def dataset(builtin_dataset) -> Path:
    return builtin_dataset


@pytest.fixture
def figures_2019(dataset) -> dict:
    """expected.json of the data set (the seed report's figures) with the reviewed manual
    figures and plan tasks of the seeds: the renderers' input without a warehouse."""
    figures = json.loads((dataset / "expected.json").read_text())
    with MANUAL_SEED.open(encoding="utf-8") as handle:
        figures["manual"] = {
            row["figure"]: int(row["value"])
            for row in csv.DictReader(handle)
            if row["year"] == "2019"
        }
    with PLAN_SEED.open(encoding="utf-8") as handle:
        figures["plan_tasks"] = [
            dict(row, sort_order=int(row["sort_order"])) for row in csv.DictReader(handle)
        ]
    figures["ratios"] = ratios_of(figures)
    figures["quality"] = {"checkpoint": "passed", "quarantined_rows": 13, "run_id": "test"}
    return figures


def _pct(numerator: int, denominator: int) -> float | None:
    return round(100.0 * numerator / denominator, 1) if denominator else None


def ratios_of(figures: dict) -> dict:
    """The part `ratios` that rpt_report_ratios gives a warehouse-built report, read here
    independently from the contract-shaped figures (the definitions of its yml)."""
    p, d = figures["procedures"], figures["dossiers"]
    online = p["online_level_3"] + p["online_level_4"]
    return {
        "procedures_online_level_3_4": online,
        "pct_online_procedures_with_dossiers": _pct(p["online_with_dossiers"], online),
        "pct_procedures_with_bcci_dossiers": _pct(p["with_bcci_dossiers"], p["total"]),
        "pct_dossiers_received_online": _pct(d["received_online"], d["received_new"]),
        "pct_dossiers_returned_via_bcci": _pct(d["returned_via_bcci"], d["resolved"]),
    }


@pytest.fixture(scope="session")
def built(settings, dataset):
    """The 2019 warehouse of the report tests, built once per session: its tests only
    read it (one adds the other sources' models on their empty landing tables)."""
    return build_warehouse(settings, dataset, "report")
