"""Fixtures of the report tests: the 2019 figures as a dict, and a built warehouse."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from eduwh.settings import PROJECT_ROOT
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
    figures["quality"] = {"checkpoint": "passed", "quarantined_rows": 13, "run_id": "test"}
    return figures


@pytest.fixture(scope="module")
def built(settings, dataset):
    return build_warehouse(settings, dataset, "report")
