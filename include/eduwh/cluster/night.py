"""`eduwh run --executor celery`: the scheduler's night on a running cluster.

The source DAGs of the cluster's sources are triggered for the night's logical date
through the REST API (a run of that date already there is cleared, i.e. re-run); their
Assets alone schedule the warehouse DAG; the night is over when a warehouse run that
consumed the events of every one of those source runs has ended. The figures are then
read from the published report exactly as `eduwh run` reads them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from eduwh.cli.night import WAREHOUSE_DAG, landed_summary
from eduwh.cluster.api import AirflowApi
from eduwh.cluster.services import Cluster
from eduwh.config import Settings
from eduwh.errors import UserError

FINISHED = {"success", "failed"}
POLL_SECONDS = 2.0
NIGHT_TIMEOUT = 3600.0


@dataclass
class ClusterNight:
    settings: Settings
    cluster: Cluster
    api: AirflowApi

    @classmethod
    def connect(cls, settings: Settings, data: str | None, faults: str) -> ClusterNight:
        """The running cluster of this state folder, or a one-line error; --data and
        --faults, when given, must be what the cluster serves (set at `cluster up`)."""
        cluster = Cluster.load(settings)
        if cluster is None or not cluster.alive("scheduler"):
            raise UserError("no cluster is running here: start one with `eduwh cluster up`")
        served = cluster.night.get("data_dir")
        if data is not None and (served is None or Path(data).resolve() != Path(served)):
            raise UserError(
                f"the cluster serves {served or 'the real sources'}: "
                "give that --data, or restart it with `eduwh cluster up --data`"
            )
        if faults != "none" and faults != cluster.night.get("faults"):
            raise UserError("the fault profile is the cluster's: `eduwh cluster up --faults`")
        return cls(settings, cluster, AirflowApi(cluster.api_url, cluster.password_file))

    @property
    def data_dir(self) -> Path | None:
        served = self.cluster.night.get("data_dir")
        return Path(served) if served else None

    def run(self, logical_date: datetime, console) -> None:
        """Trigger the night's source DAGs, wait for them and for the warehouse runs
        their Assets scheduled; a failed run is a one-line error naming its tasks."""
        console.line(self.cluster.night["description"])
        console.line(f"cluster: {self.cluster.api_url} (CeleryExecutor)")
        since = datetime.now(UTC)
        dag_ids = self.cluster.night["dag_ids"]
        for dag_id in (*dag_ids, WAREHOUSE_DAG):
            self.api.patch(f"/dags/{dag_id}", {"is_paused": False})
        source_runs = {dag_id: self.trigger(dag_id, logical_date) for dag_id in dag_ids}
        for dag_id, run_id in source_runs.items():
            with console.step(dag_id) as step:
                self.wait_for_run(dag_id, run_id)
                step["summary"] = landed_summary(self.settings, run_id)
        with console.step(WAREHOUSE_DAG) as step:
            run = self.wait_for_warehouse(set(source_runs.items()), since)
            tasks = self.api.task_instances(WAREHOUSE_DAG, run["dag_run_id"])
            step["summary"] = f"{len(tasks)} tasks (dbt nodes, checks, report), Asset-triggered"

    def trigger(self, dag_id: str, logical_date: datetime) -> str:
        """A run of `dag_id` for `logical_date`: a new one, or the existing one cleared."""
        stamp = logical_date.isoformat()
        existing = self.api.dag_runs(dag_id, logical_date_gte=stamp, logical_date_lte=stamp)
        if existing:
            run_id = existing[0]["dag_run_id"]
            body = {"dag_run_id": run_id, "dry_run": False, "only_failed": False}
            self.api.post(f"/dags/{dag_id}/clearTaskInstances", {**body, "reset_dag_runs": True})
            return run_id
        return self.api.post(f"/dags/{dag_id}/dagRuns", {"logical_date": stamp})["dag_run_id"]

    def wait_for_run(self, dag_id: str, run_id: str) -> dict:
        deadline = time.monotonic() + NIGHT_TIMEOUT
        while time.monotonic() < deadline:
            run = self.api.get(f"/dags/{dag_id}/dagRuns/{run_id}")
            if run["state"] in FINISHED:
                if run["state"] != "success":
                    raise UserError(self._failure(dag_id, run_id))
                return run
            time.sleep(POLL_SECONDS)
        raise UserError(f"{dag_id} {run_id} not finished after {NIGHT_TIMEOUT:.0f}s")

    def wait_for_warehouse(self, source_runs: set[tuple[str, str]], since: datetime) -> dict:
        """The last warehouse run of the night: the one, among the Asset-triggered runs
        created since `since`, after which every source run's events are consumed."""
        deadline = time.monotonic() + NIGHT_TIMEOUT
        while time.monotonic() < deadline:
            runs = self.api.dag_runs(
                WAREHOUSE_DAG, run_after_gte=since.isoformat(), order_by="run_after"
            )
            consumed: set[tuple[str, str]] = set()
            for run in runs:
                if run["state"] not in FINISHED:
                    break
                if run["state"] != "success":
                    raise UserError(self._failure(WAREHOUSE_DAG, run["dag_run_id"]))
                events = self.api.upstream_events(WAREHOUSE_DAG, run["dag_run_id"])
                consumed |= {(e["source_dag_id"], e["source_run_id"]) for e in events}
                if source_runs <= consumed:
                    return run
            time.sleep(POLL_SECONDS)
        raise UserError(f"no {WAREHOUSE_DAG} run ended after {NIGHT_TIMEOUT:.0f}s")

    def _failure(self, dag_id: str, run_id: str) -> str:
        failed = [
            ti["task_id"]
            for ti in self.api.task_instances(dag_id, run_id)
            if ti["state"] in ("failed", "upstream_failed")
        ]
        logs = self.cluster.folder / "airflow" / "logs"
        return (
            f"{dag_id} run {run_id} failed; failed tasks: {', '.join(failed) or '-'}; "
            f"the task logs are in {logs}"
        )
