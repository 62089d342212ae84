"""`eduwh run` end to end, through Airflow, on the built-in 2019 data set.

This is the one test that goes through Airflow for a whole night: the sandbox over
HTTP, the source DAG, the warehouse DAG with its Cosmos task groups, the figures.
The expected figures come from the data set's expected.json, which the generator
counts from its own records (those of the seed report, as of 2019-12-06).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from tests.conftest import new_database

from eduwh.warehouse import admin_dsn

pytestmark = pytest.mark.timeout(1200)


def _eduwh(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "eduwh.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=1100,
    )


@pytest.fixture(scope="module")
def main_job_run(settings):
    fresh = new_database(settings)
    env = {**os.environ, "WAREHOUSE_DSN": admin_dsn(fresh)}
    setup = _eduwh("setup", env=env)
    assert setup.returncode == 0, setup.stderr[-3000:]
    run = _eduwh("run", "--as-of", "2019-12-06", env=env)
    assert run.returncode == 0, (run.stdout[-2000:], run.stderr[-5000:])
    expected_file = settings.home / "datasets" / "quang-ngai-2019" / "expected.json"
    return (
        env,
        json.loads(run.stdout[run.stdout.rindex('{\n  "agency"') :]),
        json.loads(expected_file.read_text()),
    )


def test_figures_equal_the_data_sets_expected_figures(main_job_run):
    _, figures, expected = main_job_run
    for section in ("procedures", "dossiers", "documents", "schools"):
        assert figures[section] == expected[section], section
    # The seed report's own numbers, so a generator drift cannot hide a wrong warehouse.
    assert figures["dossiers"]["received"] == 655
    assert figures["dossiers"]["resolved"] == 599
    assert figures["procedures"]["total"] == 41


def test_every_key_of_the_contract_is_present(main_job_run):
    _, figures, expected = main_job_run
    for section in ("procedures", "dossiers", "documents", "schools", "manual", "quality"):
        assert set(figures[section]) >= set(expected.get(section) or {}), section
    assert figures["agency"]["code"] == "000.23.34.H48"
    assert figures["year"] == 2019 and figures["as_of"] == "2019-12-06"


def test_manual_figures_are_the_seed_reports(main_job_run):
    """No source holds these: the reviewed input table gives the seed report's values
    (section 4: 400 accounts, 120 and 60 posts; section 6: 03 lines; section 7: 08 staff)."""
    _, figures, _ = main_job_run
    manual = figures["manual"]
    assert (manual["portal_posts_previous_year"], manual["portal_posts"]) == (120, 60)
    assert (manual["email_accounts"], manual["ict_staff"], manual["internet_lines"]) == (400, 8, 3)


def test_the_report_is_published_and_checked(main_job_run, settings):
    _, figures, _ = main_job_run
    assert figures["quality"]["checkpoint"] == "passed"
    latest = settings.home / "reports" / "latest"
    assert {"figures.json"} <= {path.name for path in latest.iterdir()}
    assert any(path.suffix == ".docx" for path in latest.iterdir())
    assert any(path.suffix == ".html" for path in latest.iterdir())


def test_an_old_night_re_run_by_logical_date_publishes_that_night(main_job_run, settings):
    """The scheduler's way: the warehouse DAG of the 01:00 run of 4 December, re-run
    later, reports as of 3 December (not the wall clock's yesterday)."""
    env, _, _ = main_job_run
    night = "2019-12-04T01:00:00+07:00"
    rerun = _eduwh("airflow", "dags", "test", "eduwh_warehouse", night, env=env)
    assert rerun.returncode == 0, rerun.stderr[-5000:]
    latest = json.loads((settings.home / "reports" / "latest" / "figures.json").read_text())
    assert latest["as_of"] == "2019-12-03"
    # fewer dossiers had been received by then than by the night of the first run
    assert latest["dossiers"]["received"] < 655
