"""`eduwh run` end to end on the built-in data set quang-ngai-2025-merged (issue 14):
two Departments, each with its own one-stop portal, the predecessor merged into the
successor on 1 July 2025 (contracts/agencies.md), its register in the data set.

Two nights on one warehouse: as of 2025-12-31 (the data set's clock), then as of
2026-01-31 (the dossiers carried over into 2026). The expected figures are the data
set's expected.json, counted by the generator from the files it wrote (its `reports`:
the successor's 2025 figures with the predecessor's share, the predecessor's own 2025
figures up to its valid_to, the successor's 2026 figures), never by the warehouse.
"""

from __future__ import annotations

import json
import os

import pytest
from tests.conftest import new_database, run_eduwh

from eduwh.warehouse import admin_dsn

pytestmark = pytest.mark.timeout(1500)
SECTIONS = ("procedures", "dossiers")


def _ok(*args: str, env: dict[str, str]) -> str:
    done = run_eduwh(*args, env=env, timeout=1400)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-5000:])
    return done.stdout


@pytest.fixture(scope="module")
def merged(settings, tmp_path_factory) -> dict:
    data = tmp_path_factory.mktemp("quang-ngai-2025-merged")
    env = {**os.environ, "WAREHOUSE_DSN": admin_dsn(new_database(settings))}
    env.pop("EDUWH_AGENCIES_FILE", None)  # the data set's own agencies.yml
    env.pop("EDUWH_AGENCY_CODE", None)
    _ok("sandbox", "generate", "--dataset", "quang-ngai-2025-merged", "--out", str(data), env=env)
    expected = json.loads((data / "expected.json").read_text("utf-8"))
    reports = {}
    nights = sorted({report["as_of"] for report in expected["reports"]} - {"2025-06-30"})
    for night in nights:
        _ok("run", "--as-of", night, "--data", str(data), env=env)
        for report in expected["reports"]:
            asked = report["as_of"] if report["as_of"] != "2025-06-30" else nights[0]
            if asked != night:
                continue
            reports[report["agency"]["code"], report["year"], report["as_of"]] = json.loads(
                _ok(
                    "report",
                    "--agency",
                    report["agency"]["code"],
                    "--year",
                    str(report["year"]),
                    "--as-of",
                    asked,
                    "--format",
                    "json",
                    env={**env, "EDUWH_AGENCIES_FILE": str(data / "agencies.yml")},
                )
            )
    return {"expected": expected, "reports": reports}


def _report(merged, expected_report) -> dict:
    key = (expected_report["agency"]["code"], expected_report["year"], expected_report["as_of"])
    if key not in merged["reports"]:  # the predecessor's, asked on the night after its end
        key = next(k for k in merged["reports"] if k[:2] == key[:2])
    return merged["reports"][key]


def _differences(got: dict, want: dict) -> dict:
    return {
        (section, name): (got[section].get(name), value)
        for section in SECTIONS
        for name, value in want[section].items()
        if got[section].get(name) != value
    }


def test_every_report_of_the_merger_equals_expected(merged):
    """The successor's 2025 figures (its own dossiers and the predecessor's, each once),
    the predecessor's own 2025 figures (asked after its end: up to its valid_to), and the
    successor's 2026 figures (the dossiers carried over) equal expected.json."""
    for want in merged["expected"]["reports"]:
        got = _report(merged, want)
        assert got["agency"]["code"] == want["agency"]["code"]
        assert _differences(got, want) == {}, (want["agency"]["code"], want["as_of"])


def test_the_successor_names_its_predecessors_and_their_share(merged):
    """covers: which predecessors until when; of_which: each one's dossier counts."""
    for want in merged["expected"]["reports"]:
        got = _report(merged, want)
        assert got.get("covers", []) == want["covers"], want["as_of"]
        for code, share in (want.get("of_which") or {}).items():
            if not want["covers"]:
                continue  # a report that covers no predecessor prints no share
            counted = got["of_which"][code]["dossiers"]
            assert {k: counted[k] for k in counted} == {k: share["dossiers"][k] for k in counted}, (
                code
            )
