"""Shared fixtures: a real embedded PostgreSQL per test session, fresh databases on demand.

Each pytest session gets its own state folder and a free port, so parallel sessions
(and a developer's own `make run` warehouse) never meet.

Shared fixtures for new tests (use them rather than building your own, a night costs
minutes):
- `settings`: the session's embedded server, bootstrapped; `new_database(settings)` /
  `fresh_settings`: a new empty database on it.
- `builtin_dataset`: the built-in 2019 data set, generated once per session (read-only).
- `main_job_run`: `eduwh run --as-of 2019-12-06` once per session (env, figures,
  expected.json); a test that only reads its warehouse uses it. A test that changes the
  warehouse must run its own night (or undo nothing it does not own).
- `airflow_db`: the session's Airflow metadata, migrated.
- tests/report/conftest.py `built`: the 2019 data set landed and the one-stop domains
  built by dbt, once per session (read-only; adding models to it is fine).

`make test` runs the suite on two pytest-xdist workers (`-n 2`): each worker is a
session of its own (own state folder, own server). So that a module's fixtures and the
2019 night are not paid twice, the scheduler below (`pytest_xdist_make_scheduler`) gives
each test file to one worker, and every file that uses the 2019 night to the same one.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

# Before anything imports Airflow: this session's own state folder, Airflow home included.
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="eduwh-test-"))
os.environ["EDUWH_HOME"] = str(_SESSION_HOME)
os.environ.pop("WAREHOUSE_DSN", None)
os.environ.setdefault("EDUWH_PSEUDONYM_KEY", "test-pseudonym-key")
# The agency of the built-in data set (its dataset.json), which most tests land; the
# tests of other agencies' data sets set or unset these themselves.
from eduwh_sandbox.motcua_dataset import META as _BUILT_IN  # noqa: E402

os.environ.setdefault("EDUWH_AGENCY_CODE", _BUILT_IN["agency"]["code"])
os.environ.setdefault("EDUWH_AGENCY_NAME", _BUILT_IN["agency"]["name"])

from eduwh import warehouse  # noqa: E402
from eduwh.config import Settings, airflow_environment  # noqa: E402

os.environ.update(airflow_environment(Settings.from_env()))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings of this test session, its embedded warehouse started and bootstrapped."""
    os.environ["EDUWH_PG_PORT"] = str(free_port())
    session_settings = Settings.from_env()
    warehouse.ensure(session_settings)
    yield session_settings
    warehouse.stop(session_settings)


_database_numbers = itertools.count(1)


def new_database(settings: Settings) -> Settings:
    """Settings pointing at a new, empty, bootstrapped database on the session's server."""
    name = f"eduwh_test_{os.getpid()}_{next(_database_numbers)}"
    with psycopg.connect(warehouse.admin_dsn(settings), autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    dsn = warehouse.admin_dsn(settings).rsplit("/", 1)[0] + f"/{name}"
    isolated = dataclasses.replace(settings, warehouse_dsn=dsn)
    warehouse.ensure(isolated)
    return isolated


@pytest.fixture
def fresh_settings(settings) -> Settings:
    """Settings pointing at a new, empty, bootstrapped database on the session's server."""
    return new_database(settings)


@pytest.fixture(scope="session")
def airflow_db(settings) -> Path:
    """This session's Airflow metadata database, migrated (SQLite under the state folder)."""
    settings.airflow_home.mkdir(parents=True, exist_ok=True)
    subprocess.run(["airflow", "db", "migrate"], check=True, capture_output=True)
    return settings.airflow_home


@pytest.fixture(scope="session")
def builtin_dataset(settings) -> Path:
    """The built-in 2019 data set, generated once per session, where `eduwh run` in this
    session's state folder finds it (so the end-to-end tests do not generate it again).
    Read-only: a test that changes a data set writes its own."""
    from eduwh.cli.night import built_in_dataset

    return built_in_dataset(settings)


def run_eduwh(*args: str, env: dict[str, str], timeout: int = 1100) -> subprocess.CompletedProcess:
    """The `eduwh` command in a child process with `env`."""
    return subprocess.run(
        [sys.executable, "-m", "eduwh.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def main_job_run(settings):
    """`eduwh run --as-of 2019-12-06` on the built-in data set, once per session, in a
    database of its own: (environment of the run, figures it printed, expected.json).
    Shared by the end-to-end tests and the tests that read a whole built warehouse."""
    fresh = new_database(settings)
    env = {**os.environ, "WAREHOUSE_DSN": warehouse.admin_dsn(fresh)}
    setup = run_eduwh("setup", env=env)
    assert setup.returncode == 0, setup.stderr[-3000:]
    run = run_eduwh("run", "--as-of", "2019-12-06", env=env)
    assert run.returncode == 0, (run.stdout[-2000:], run.stderr[-5000:])
    expected_file = settings.home / "datasets" / "quang-ngai-2019" / "expected.json"
    return (
        env,
        json.loads(run.stdout[run.stdout.rindex('{\n  "agency"') :]),
        json.loads(expected_file.read_text()),
    )


# Test files that read the session's 2019 night: one scope of the scheduler (one
# worker), so the night runs once. Found by name in the files' text: the controller
# schedules node ids, it does not see fixtures.
SHARED_NIGHT_FIXTURES = ("main_job_run", "night_2019")


@functools.cache
def _uses_the_2019_night(path: Path) -> bool:
    try:
        text = path.read_text("utf-8")
    except OSError:
        return False
    return any(name in text for name in SHARED_NIGHT_FIXTURES)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent under -p no:xdist
def pytest_xdist_make_scheduler(config, log):
    """Each test file on one worker (its module fixtures built once), the files of the
    2019 night together. (`--dist loadgroup` would do it with marks, but xdist 3.8 under
    pytest 9 ignores the marks: tests of one group still went to both workers.)"""
    from xdist.scheduler import LoadScopeScheduling

    class FileOrNightScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return "night_2019" if _uses_the_2019_night(config.rootpath / path) else path

    return FileOrNightScheduling(config, log)
