"""The school DAGs parse, run nightly at 01:00 local time, one at a time, in their pools."""

from __future__ import annotations

import pytest
from airflow.dag_processing.dagbag import DagBag

from eduwh.config import PROJECT_ROOT

DAGS = {"moet_school_db": "csdl_moet", "sis_exports": "sis"}


@pytest.fixture(scope="module")
def bag() -> DagBag:
    return DagBag(str(PROJECT_ROOT / "dags"))


@pytest.mark.parametrize(("dag_id", "pool"), sorted(DAGS.items()))
def test_school_dags(bag, dag_id, pool):
    assert not {k: v for k, v in bag.import_errors.items() if dag_id.split("_")[0] in k}
    dag = bag.dags[dag_id]
    assert dag.timetable.summary == "0 1 * * *"
    assert dag.catchup is False and dag.max_active_runs == 1
    for t in dag.tasks:
        assert t.pool == pool and t.retries >= 1 and t.execution_timeout is not None
        # the landing task (mapped over the agencies) lands the Assets; "agencies" lists them
        assert bool(t.outlets) == (t.task_id != "agencies")
