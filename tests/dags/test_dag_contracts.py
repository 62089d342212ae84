"""The DAGs are what the operator expects: parsing is cheap and side-effect free,
nightly at 01:00 Asia/Ho_Chi_Minh, one run at a time, Assets wired to the warehouse."""

from __future__ import annotations

import socket
import subprocess

import pytest
from airflow.dag_processing.dagbag import DagBag

from eduwh.airflow.dags import POOLS
from eduwh.config import PROJECT_ROOT

SOURCE_DAGS = {
    "motcua_dossiers": "motcua",
    "eoffice_documents": "eoffice",
    "moet_school_db": "csdl_moet",
    "sis_exports": "sis",
}


@pytest.fixture(scope="module")
def bag() -> DagBag:
    return DagBag(str(PROJECT_ROOT / "dags"))


def test_parsing_spawns_no_process_and_opens_no_connection(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError(f"DAG parsing must not do this: {args[:2]}")

    monkeypatch.setattr(subprocess.Popen, "__init__", forbidden)
    monkeypatch.setattr(socket.socket, "connect", forbidden)
    monkeypatch.setattr(socket.socket, "connect_ex", forbidden)
    parsed = DagBag(str(PROJECT_ROOT / "dags"))
    assert parsed.import_errors == {}
    assert {*SOURCE_DAGS, "eduwh_warehouse"} <= set(parsed.dag_ids)


@pytest.mark.parametrize("dag_id", sorted(SOURCE_DAGS))
def test_source_dags_run_nightly_at_one_local_time(bag, dag_id):
    dag = bag.dags[dag_id]
    assert dag.timetable.summary == "0 1 * * *"
    assert str(dag.timetable._timezone.name) == "Asia/Ho_Chi_Minh"
    assert dag.catchup is False
    assert dag.max_active_runs == 1


@pytest.mark.parametrize(("dag_id", "pool"), sorted(SOURCE_DAGS.items()))
def test_source_tasks_use_their_pool_retry_and_time_out(bag, dag_id, pool):
    assert pool in POOLS
    for task in bag.dags[dag_id].tasks:
        assert task.pool == pool
        assert task.retries >= 1 and task.retry_exponential_backoff
        assert task.execution_timeout is not None
        assert task.on_failure_callback


def test_warehouse_is_scheduled_on_what_the_sources_land(bag):
    landed = {
        outlet.uri
        for dag_id in SOURCE_DAGS
        for task in bag.dags[dag_id].tasks
        for outlet in task.outlets
    }
    warehouse = bag.dags["eduwh_warehouse"]
    scheduled_on = {asset.uri for asset in warehouse.timetable.asset_condition.objects}
    assert landed and landed <= scheduled_on
