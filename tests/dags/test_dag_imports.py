"""Every DAG file imports with no error."""

from __future__ import annotations

from airflow.dag_processing.dagbag import DagBag

from eduwh.config import PROJECT_ROOT


def test_every_dag_imports_without_errors():
    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
    assert bag.import_errors == {}
    assert "eduwh_smoke" in bag.dag_ids


def test_smoke_dag_runs_through_airflow(airflow_db, settings):
    """`airflow dags test` of the smoke DAG: a real Airflow run that reaches the warehouse."""
    import subprocess

    result = subprocess.run(
        ["airflow", "dags", "test", "eduwh_smoke"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "PostgreSQL 18" in result.stdout + result.stderr
    assert "state=success" in result.stdout + result.stderr
