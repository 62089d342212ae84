"""`eduwh run` on data sets the project did not generate: another Department, another
year, only some of the four sources (contracts/sandbox_dataset.md).

The data sets are written by hand from the contracts (tests/e2e/contract_datasets.py,
which states each expected figure record by record). No agency is configured: the
main job takes it from the data set's dataset.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import new_database
from tests.e2e import contract_datasets as sample

from eduwh.warehouse import admin_dsn

pytestmark = pytest.mark.timeout(1500)
AGENCY_SETTINGS = ("EDUWH_AGENCY_CODE", "EDUWH_AGENCY_NAME", "EDUWH_MOET_DEPARTMENT_CODE")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in AGENCY_SETTINGS}
    env.update(extra)
    return env


def _eduwh(*args: str, env: dict[str, str], timeout: int = 1200) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "eduwh.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _night(settings, data_dir: Path, **extra: str) -> dict:
    fresh = new_database(settings)
    run = _eduwh(
        "run",
        "--as-of",
        sample.AS_OF,
        "--data",
        str(data_dir),
        env=_env(WAREHOUSE_DSN=admin_dsn(fresh), **extra),
    )
    assert run.returncode == 0, (run.stdout[-2000:], run.stderr[-5000:])
    # stdout carries the figures alone: it parses as one JSON document
    return json.loads(run.stdout)


def _subset(section: dict | None, expected: dict) -> dict | None:
    return {key: section[key] for key in expected} if section is not None else None


@pytest.fixture(scope="module")
def without_e_office(settings, tmp_path_factory) -> dict:
    """The one-stop portal and both school sources, e-Office missing: one night for the
    tests of both (a night costs a minute and more). With the night of e-Office alone
    below, each of the four sources is missing from one of the two nights."""
    data = sample.write(
        tmp_path_factory.mktemp("no-eoffice"), sources=("motcua", "csdl_moet", "sis")
    )
    return _night(settings, data)


def test_another_department_s_one_stop_figures_under_its_own_name(without_e_office):
    """sandbox_dataset.md: "the main job on it runs only the sources the data set has,
    and the report gives `null` for the figures of the missing ones"."""
    figures = without_e_office
    assert figures["agency"]["code"] == sample.AGENCY["code"]
    assert figures["agency"]["name"] == sample.AGENCY["name"]
    assert (figures["year"], figures["as_of"]) == (sample.YEAR, sample.AS_OF)
    assert _subset(figures["procedures"], sample.EXPECTED_PROCEDURES) == (
        sample.EXPECTED_PROCEDURES
    )
    assert _subset(figures["dossiers"], sample.EXPECTED_DOSSIERS) == sample.EXPECTED_DOSSIERS
    dossiers = figures["dossiers"]
    assert dossiers["received"] == (
        dossiers["resolved"] + dossiers["in_progress"] + dossiers["withdrawn"] + dossiers["stopped"]
    )
    assert all(value is None for value in figures["documents"].values())
    assert figures["quality"]["checkpoint"] == "passed"
    # motcua.md: the four invalid rows go to quarantine with a reason; the load goes on
    assert figures["quality"]["quarantined_rows"] == sample.QUARANTINED_DOSSIERS


def test_only_e_office_in_a_brand_new_state_folder(settings, tmp_path):
    """A state folder never set up, and the environment's bin folder not on the PATH:
    `eduwh run` sets up Airflow's metadata and the dbt manifest itself."""
    data = sample.write(tmp_path / "data", sources=("eoffice",))
    home = tmp_path / "new-home"
    path = os.pathsep.join(
        p for p in os.environ["PATH"].split(os.pathsep) if Path(sys.executable).parent != Path(p)
    )
    # (the command derives AIRFLOW_HOME and the rest of Airflow's settings from EDUWH_HOME)
    figures = _night(settings, data, EDUWH_HOME=str(home), PATH=path)
    assert (home / "airflow" / "airflow.db").exists()
    assert figures["agency"]["code"] == sample.AGENCY["code"]
    assert _subset(figures["documents"], sample.EXPECTED_DOCUMENTS) == sample.EXPECTED_DOCUMENTS
    assert all(value is None for value in figures["dossiers"].values())
    assert all(value is None for value in figures["schools"].values())
    assert figures["quality"]["checkpoint"] == "passed"


def test_the_school_sources_with_last_year_s_deliveries(without_e_office):
    """sis_exports.md: "Deliveries of other school years are kept and reported for their
    own year; they never enter the figures or the checks of the year asked" - the drop
    folder keeps last year's deliveries, one from a school csdl.moet does not list."""
    figures = without_e_office
    assert figures["agency"]["code"] == sample.AGENCY["code"]
    assert figures["schools"] == {**figures["schools"], **sample.EXPECTED_SCHOOLS}
    assert all(value is None for value in figures["documents"].values())
    assert figures["quality"]["checkpoint"] == "passed"


# -- inputs checked before anything starts: one line, exit 2 -------------------------------
def _refused(*args: str, env: dict[str, str]) -> str:
    run = _eduwh(*args, env=env, timeout=120)
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.startswith("eduwh: error:")]
    assert len(lines) == 1, run.stderr
    assert run.stdout == ""
    return lines[0]


@pytest.fixture(scope="module")
def motcua_only_data(tmp_path_factory) -> Path:
    return sample.write(tmp_path_factory.mktemp("refusals"), sources=("motcua",))


def test_a_configured_agency_the_data_set_does_not_hold_is_refused(motcua_only_data):
    message = _refused(
        "run",
        "--as-of",
        sample.AS_OF,
        "--data",
        str(motcua_only_data),
        env=_env(EDUWH_AGENCY_CODE="000.00.11.H11"),
    )
    assert "000.00.11.H11" in message and sample.AGENCY["code"] in message


def test_bad_arguments_and_data_sets_are_refused_in_one_line(motcua_only_data, tmp_path):
    env = _env()
    data = str(motcua_only_data)
    assert "nosuch" in _refused(
        "run", "--as-of", sample.AS_OF, "--data", data, "--faults", "nosuch", env=env
    )
    assert "no such folder" in _refused(
        "run", "--as-of", sample.AS_OF, "--data", str(tmp_path / "nowhere"), env=env
    )
    (tmp_path / "empty").mkdir()
    assert "none of the source folders" in _refused(
        "run", "--as-of", sample.AS_OF, "--data", str(tmp_path / "empty"), env=env
    )
    broken = sample.write(tmp_path / "broken", sources=("motcua",))
    (broken / "dataset.json").write_text('{"agency": ', "utf-8")
    assert "not valid JSON" in _refused(
        "run", "--as-of", sample.AS_OF, "--data", str(broken), env=env
    )
    assert "after the data set's last day" in _refused(
        "run", "--as-of", "2021-12-31", "--data", data, env=env
    )
    assert "in the future" in _refused("run", "--as-of", "2999-06-01", "--data", data, env=env)
