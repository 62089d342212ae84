"""`eduwh run`: one night end to end, as the operator would see it.

Ensure the warehouse; serve the sandbox data set unless real source settings are
given; run the source DAGs and the warehouse DAG through Airflow (`dag.test()`, the
real task runner, in this process); print the figures of the as-of date.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pendulum

from eduwh.settings import PROJECT_ROOT, Settings

SOURCE_DAGS = ("motcua_dossiers", "eoffice_documents", "moet_school_db", "sis_exports")
WAREHOUSE_DAG = "eduwh_warehouse"


def run_main_job(settings: Settings, as_of: str, data: str | None, faults: str) -> int:
    from eduwh import warehouse
    from eduwh.report.publish import latest_published
    from eduwh.warehouse.dbt import dbt_environment

    as_of_date = _parse_date(as_of)
    started = time.monotonic()
    _step(started, warehouse.ensure(settings))
    os.environ.update(dbt_environment(settings))
    os.environ["EDUWH_TASK_RETRIES"] = "0"  # dag.test() would sit out each retry delay
    # Task logs stay in Airflow's log folder; the terminal shows the steps and problems.
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
    os.environ["EDUWH_REPORT_AS_OF"] = as_of_date.isoformat()
    logical_date = pendulum.datetime(
        as_of_date.year, as_of_date.month, as_of_date.day, 1, tz="Asia/Ho_Chi_Minh"
    ) + timedelta(days=1)
    with _sources(settings, as_of_date, data, faults) as description:
        _step(started, description)
        for dag_id in SOURCE_DAGS:
            _run_dag(dag_id, logical_date)
            _step(started, f"{dag_id}: landed")
    _run_dag(WAREHOUSE_DAG, logical_date)
    published = latest_published(settings)
    _step(started, f"{WAREHOUSE_DAG}: built, checked, report published in {published}")
    figures = json.loads((published / "figures.json").read_text())
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    return 0


SANDBOX_SETTINGS = (
    "MOTCUA_BASE_URL",
    "MOTCUA_CLIENT_ID",
    "MOTCUA_CLIENT_SECRET",
    "EOFFICE_BASE_URL",
    "EOFFICE_CLIENT_ID",
    "EOFFICE_CLIENT_SECRET",
    "MOET_BASE_URL",
    "MOET_API_KEY",
    "SIS_DROP_DIR",
)


@contextlib.contextmanager
def _sources(settings: Settings, as_of: date, data: str | None, faults: str):
    """The sandbox on the data set, unless the settings point at the real systems."""
    if settings.real_sources:
        yield "sources: the real systems of the settings"
        return
    from eduwh.sandbox.server import SandboxServer

    data_dir = Path(data) if data else _built_in_dataset(settings)
    clock = datetime.combine(as_of, datetime.max.time()).replace(microsecond=0)
    client_id, client_secret = "eduwh", secrets.token_urlsafe(16)  # a new secret each run
    server = SandboxServer(
        data_dir, clock=clock, faults=faults, client_id=client_id, client_secret=client_secret
    )
    server.start()
    served = server.urls
    sandbox_env = {
        "MOTCUA_BASE_URL": served.get("motcua"),
        "EOFFICE_BASE_URL": served.get("eoffice"),
        "MOET_BASE_URL": served.get("moet"),
        "MOTCUA_CLIENT_ID": client_id,
        "MOTCUA_CLIENT_SECRET": client_secret,
        "EOFFICE_CLIENT_ID": client_id,
        "EOFFICE_CLIENT_SECRET": client_secret,
        "MOET_API_KEY": client_secret,
        "SIS_DROP_DIR": str(data_dir / "sis") if (data_dir / "sis").is_dir() else None,
    }
    os.environ.update({name: value for name, value in sandbox_env.items() if value})
    try:
        yield f"sources: sandbox on {data_dir} (clock {clock}, faults {faults})"
    finally:
        server.stop()
        for name in SANDBOX_SETTINGS:
            os.environ.pop(name, None)


def _built_in_dataset(settings: Settings) -> Path:
    from eduwh.sandbox.cli import generate_builtin

    target = settings.home / "datasets" / "quang-ngai-2019"
    if not (target / "expected.json").exists():
        print("generating the built-in Quảng Ngãi 2019 data set ...", file=sys.stderr)
        generate_builtin(target)
    return target


def _run_dag(dag_id: str, logical_date: datetime) -> None:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(str(PROJECT_ROOT / "dags"))
    if bag.import_errors:
        raise RuntimeError(f"DAG files do not import: {bag.import_errors}")
    run = bag.get_dag(dag_id).test(logical_date=logical_date)
    if run.state != "success":
        failed = [ti.task_id for ti in run.get_task_instances() if ti.state == "failed"]
        from eduwh.cli import UserError

        raise UserError(f"{dag_id} ended {run.state}; failed tasks: {', '.join(failed)}")


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        from eduwh.cli import UserError

        raise UserError(f"--as-of must be a date like 2019-12-06, not {text!r}") from None


def _step(started: float, message: str) -> None:
    print(f"[{time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)
