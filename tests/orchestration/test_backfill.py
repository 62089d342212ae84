"""`eduwh backfill` over 7 nights gives the marts of one load over the same range, and a
second backfill of the same range changes nothing (motcua only, sandbox data set)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from eduwh import warehouse
from eduwh.land.motcua import extract_load
from eduwh.warehouse.dbt import run_dbt
from tests.conftest import new_database

sandbox_server = pytest.importorskip("eduwh_sandbox.server")
motcua_dataset = pytest.importorskip("eduwh_sandbox.motcua_dataset")

pytestmark = pytest.mark.timeout(600)

AS_OF = "2019-12-06"
# cautious: a relationship test of another domain (fct_document → dim_date) is not selected
BUILD = ["build", "--select", "tag:shared", "tag:dossiers", "--indirect-selection", "cautious"]
# load-time columns; source_instance too: a loader called by hand names no instance
VOLATILE = ("_at", "batch", "run_id", "loaded", "dbt_", "source_instance")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("motcua_backfill")
    motcua_dataset.generate(out)
    return out


@pytest.fixture(scope="module")
def report_env():
    mp = pytest.MonkeyPatch()
    mp.setenv("EDUWH_REPORT_AS_OF", AS_OF)
    mp.delenv("MOTCUA_EXTRACT_FROM", raising=False)
    yield
    mp.undo()


def _eduwh(settings, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WAREHOUSE_DSN": warehouse.admin_dsn(settings)}
    done = subprocess.run(
        [sys.executable, "-m", "eduwh.cli", *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-4000:])
    return done


def digest(settings, table: str) -> tuple[int, str]:
    """Rows and a digest of a mart's content, without load-time columns."""
    with warehouse.connect(settings) as conn:
        columns = [
            name
            for (name,) in conn.execute(
                "select column_name from information_schema.columns"
                " where table_schema = 'marts' and table_name = %s order by ordinal_position",
                (table,),
            )
            if not any(mark in name for mark in VOLATILE)
        ]
        assert columns, f"marts.{table} is missing"
        listed = ", ".join(f'"{name}"' for name in columns)
        rows = conn.execute(f"select {listed} from marts.{table} order by {listed}").fetchall()
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


def raw_state(settings) -> tuple[int, int]:
    with warehouse.connect(settings) as conn:
        return (
            conn.execute("select count(*) from raw.motcua__hoso").fetchone()[0],
            conn.execute("select count(*) from meta.quarantine").fetchone()[0],
        )


@pytest.fixture(scope="module")
def one_shot(settings, dataset, report_env):
    """One extract-load of everything before 7 December, then the dossiers build."""
    target = new_database(settings)
    with sandbox_server.SandboxServer(dataset) as server:
        server.clock = datetime(2019, 12, 7) - timedelta(seconds=1)
        loaded = dataclasses.replace(
            target,
            motcua_base_url=server.motcua_base_url,
            motcua_client_id="eduwh",
            motcua_client_secret="sandbox-secret",
        )
        extract_load(loaded, datetime(2019, 12, 7))
    run_dbt(target, BUILD)
    return target


@pytest.fixture(scope="module")
def backfilled(settings, airflow_db, dataset, report_env):
    target = new_database(settings)
    _eduwh(target, "setup")
    args = ("backfill", "--from", "2019-12-01", "--to", "2019-12-07", "--dag", "motcua_dossiers")
    done = _eduwh(target, *args, "--data", str(dataset), "--no-build")
    run_dbt(target, BUILD)
    return target, done


def test_seven_nights_give_the_marts_of_one_load(one_shot, backfilled):
    target, done = backfilled
    for night in range(1, 8):
        assert f"motcua_dossiers 2019-12-0{night}: success" in done.stderr
    assert raw_state(target)[1] == raw_state(one_shot)[1]  # the same quarantine
    for table in ("fct_dossier", "rpt_dossier_figures"):
        rows, content = digest(target, table)
        assert rows > 0, table
        assert (rows, content) == digest(one_shot, table), table


def test_a_second_backfill_of_the_range_changes_nothing(backfilled, dataset):
    target, _ = backfilled
    before = {table: digest(target, table) for table in ("fct_dossier", "rpt_dossier_figures")}
    raw_before = raw_state(target)
    args = ("backfill", "--from", "2019-12-01", "--to", "2019-12-07", "--dag", "motcua_dossiers")
    _eduwh(target, *args, "--data", str(dataset), "--no-build")
    assert raw_state(target) == raw_before  # nothing landed again
    run_dbt(target, BUILD)
    assert {table: digest(target, table) for table in before} == before
