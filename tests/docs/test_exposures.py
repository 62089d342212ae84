"""dbt exposures: the lineage in the docs ends at the report, `eduwh indicators` and the BI
dashboards. Every mart the report's code names is declared as read by the report."""

from __future__ import annotations

import json
import re

import pytest

from eduwh.config import PROJECT_ROOT
from eduwh.warehouse.dbt import parse_manifest

REPORT_CODE = PROJECT_ROOT / "include" / "eduwh" / "report"
REPORT_EXPOSURES = ("annual_report_json", "annual_report_docx", "annual_report_html")


@pytest.fixture(scope="module")
def manifest(settings) -> dict:
    return json.loads(parse_manifest(settings).read_text())


def _marts(manifest: dict) -> dict[str, str]:
    """Mart model name -> its unique id."""
    return {
        node["name"]: unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["schema"].endswith("marts")
    }


def _named_in(files, marts: dict[str, str]) -> set[str]:
    """The unique ids of the marts whose name appears as a word in `files`."""
    text = "\n".join(path.read_text(encoding="utf-8") for path in files)
    return {unique_id for name, unique_id in marts.items() if re.search(rf"\b{name}\b", text)}


def _exposure(manifest: dict, name: str) -> dict:
    return manifest["exposures"][f"exposure.eduwh.{name}"]


def test_the_report_exposures_depend_on_every_mart_the_report_reads(manifest):
    marts = _marts(manifest)
    report_modules = [p for p in REPORT_CODE.glob("*.py") if p.name != "indicators.py"]
    read = _named_in(report_modules, marts)
    assert "model.eduwh.rpt_dossier_figures" in read  # the scan does find the report's marts
    for name in REPORT_EXPOSURES:
        missing = read - set(_exposure(manifest, name)["depends_on"]["nodes"])
        assert not missing, f"{name}: add to exposures.yml (report_marts) {sorted(missing)}"


def test_the_indicators_exposure_depends_on_what_eduwh_indicators_reads(manifest):
    read = _named_in([REPORT_CODE / "indicators.py"], _marts(manifest))
    assert read
    assert read <= set(_exposure(manifest, "indicators_766")["depends_on"]["nodes"])


def test_every_exposure_reads_marts_only_and_the_dashboards_are_declared(manifest):
    """What the reader role can read: an exposure on a staging model would be a lie."""
    marts = set(_marts(manifest).values())
    exposures = manifest["exposures"].values()
    for exposure in exposures:
        assert exposure["owner"]["name"], exposure["name"]
        nodes = set(exposure["depends_on"]["nodes"])
        assert nodes and nodes <= marts, exposure["name"]
    kinds = {exposure["type"] for exposure in exposures}
    assert {"dashboard", "analysis", "application"} <= kinds
