"""What the DAG files share: schedule, defaults, pools, Assets, the alert callback.

DAG files stay declarative; this module must stay cheap to import (no database, no
subprocess, no dbt) because the DAG processor imports it on every parse.
"""

from __future__ import annotations

import importlib
import json
import logging
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, Param, dag, task
from airflow.timetables.trigger import CronTriggerTimetable

from eduwh.config import Settings

LOCAL_TZ = pendulum.timezone("Asia/Ho_Chi_Minh")
NIGHTLY = CronTriggerTimetable("0 1 * * *", timezone=LOCAL_TZ)
START_DATE = pendulum.datetime(2019, 1, 1, tz=LOCAL_TZ)

# One pool per source system: a backfill cannot hammer a system the Department does not own.
POOLS = {
    "motcua": (2, "one-stop portal API calls"),
    "eoffice": (2, "e-Office API calls"),
    "csdl_moet": (2, "csdl.moet export downloads"),
    "sis": (2, "SMAS / vnEdu drop folder"),
}


def _raw(table: str) -> Asset:
    return Asset(name=f"raw.{table}", uri=f"eduwh://raw/{table}")


# What each source DAG lands; the warehouse DAG is scheduled on them.
MOTCUA_DOSSIERS = _raw("motcua__hoso")
MOTCUA_CATALOGUE = _raw("motcua__thutuc")
EOFFICE_DOCUMENTS = _raw("eoffice__vanban")
EOFFICE_EDXML_HEADERS = _raw("eoffice__edxml_header")
CSDL_MOET_EXPORTS = _raw("csdl_moet")
SIS_DELIVERIES = _raw("sis")
# The warehouse DAG runs when any source landed something.
ANY_SOURCE_LANDED = (
    MOTCUA_CATALOGUE
    | MOTCUA_DOSSIERS
    | EOFFICE_DOCUMENTS
    | EOFFICE_EDXML_HEADERS
    | CSDL_MOET_EXPORTS
    | SIS_DELIVERIES
)

log = logging.getLogger("eduwh.alerts")


def alert_on_failure(context) -> None:
    """Tell the operator on call: DAG, task, date and the error's first line."""
    ti = context.get("task_instance") or context.get("ti")
    error = context.get("exception")
    first_line = str(error).strip().splitlines()[0] if error else "unknown error"
    alert = {
        "dag": getattr(ti, "dag_id", None),
        "task": getattr(ti, "task_id", None),
        "date": str(context.get("logical_date") or context.get("run_id")),
        "error": first_line,
    }
    index = getattr(ti, "map_index", None)
    if isinstance(index, int) and index >= 0:  # a source task mapped over the agencies
        alert["agency"] = getattr(ti, "rendered_map_index", None) or index
    log.error("EDUWH ALERT %s", json.dumps(alert, ensure_ascii=False))
    webhook = Settings.from_env().alert_webhook
    if webhook:
        request = urllib.request.Request(
            webhook,
            data=json.dumps(alert, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            urllib.request.urlopen(request, timeout=10).close()
        except OSError as failure:  # an alert must never hide the original failure
            log.error("EDUWH ALERT webhook failed: %s", failure)


DEFAULT_ARGS = {
    "owner": "eduwh",
    # A local night (`eduwh run`, dag.test()) turns retries off on its own copy of the DAG.
    "retries": Settings.from_env().task_retries,
    "retry_delay": timedelta(seconds=Settings.from_env().task_retry_delay_seconds),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(hours=2),
    "on_failure_callback": alert_on_failure,
}


def night_end(logical_date: datetime) -> datetime:
    """The exclusive end of the night a run extracts: local midnight of its logical date.

    The 01:00 run of 7 December extracts everything changed before 7 December 00:00.
    """
    local = pendulum.instance(logical_date).in_timezone(LOCAL_TZ)
    return local.start_of("day")


def night_as_of(logical_date: datetime | None, run_after: datetime | None = None):
    """The day a night reports for: the day before its run's local date (the 01:00 run of
    7 December reports as of 6 December). An Asset-triggered run has no logical date:
    its run_after, the moment it was triggered, stands in."""
    when = logical_date or run_after
    if when is None:
        raise ValueError("a run with neither a logical date nor run_after")
    return (night_end(when) - timedelta(days=1)).date()


def run_moment(dag_run, triggering_asset_events=None) -> datetime:
    """The moment a run's night is of: its logical date; an Asset-triggered run has none,
    so the latest logical date of the source runs whose Asset events triggered it (the
    scheduler's night reports the sources' night, not the hour it ran); else run_after."""
    if dag_run.logical_date is not None:
        return dag_run.logical_date
    sources = [
        event.source_dag_run.logical_date
        for events in (triggering_asset_events or {}).values()
        for event in events
        if event.source_dag_run is not None and event.source_dag_run.logical_date is not None
    ]
    return max(sources, default=None) or dag_run.run_after


def json_safe(value):
    """What a task returns goes to XCom as JSON: datetimes become ISO strings."""
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


# -- the source DAGs ---------------------------------------------------------------------
@dataclass(frozen=True)
class Night:
    """What a source task knows of its night: the run's own context (its logical date,
    run id and params), never the process environment."""

    logical_date: datetime
    run_id: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def end(self) -> datetime:
        """The exclusive end of what the night extracts (local midnight)."""
        return night_end(self.logical_date)

    @property
    def as_of(self):
        return night_as_of(self.logical_date)


FULL_REFRESH = {"full_refresh": Param(False, type="boolean", description="re-extract every window")}


def source_dag(
    dag_id: str,
    *,
    land: str,
    pool: str,
    outlets: Sequence[Asset],
    doc: str,
    params: Mapping[str, Param] | None = None,
    task_id: str = "extract_load",
):
    """A source DAG: nightly, the night of one source system into raw, per agency.

    A first small task reads the agency register (eduwh.agency) at run time and returns
    the agencies whose system the night extracts; the landing task is mapped over them
    (Airflow dynamic task mapping), one task instance per agency, so one agency's failure
    is visible and retried alone while the others land. ``pool`` is the source's key
    (motcua, eoffice, csdl_moet, sis) and its one pool: the pool stays per source, shared
    by the agencies' instances of it.

    ``land`` names the loader's night function as ``"module:function"``, imported only when
    the task runs (parsing the DAG stays cheap); it is called with (Settings, Night) — the
    settings of that agency and its instance — and returns the summary that goes to XCom.
    The outlets are the Assets that schedule the warehouse DAG.
    """
    source_key = pool

    @dag(
        dag_id=dag_id,
        schedule=NIGHTLY if Settings.from_env().source_schedule == "nightly" else None,
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        params=dict(params or {}),
        tags=["eduwh", "source", pool],
        doc_md=doc,
    )
    def source():
        @task(task_id="agencies", pool=pool)
        def agencies(logical_date=None) -> list[str]:
            from eduwh.land.register import night_agencies

            return night_agencies(Settings.from_env(), source_key, Night(logical_date))

        @task(task_id=task_id, pool=pool, outlets=list(outlets), map_index_template="{{ agency }}")
        def land_night(agency: str, logical_date=None, params=None, run_id=None) -> dict:
            from airflow.sdk import get_current_context

            from eduwh.land.register import agency_settings

            get_current_context()["agency"] = agency  # the mapped task's name in the UI
            module, function = land.split(":")
            loader = getattr(importlib.import_module(module), function)
            settings = agency_settings(Settings.from_env(), source_key, agency)
            return json_safe(loader(settings, Night(logical_date, run_id, dict(params or {}))))

        land_night.expand(agency=agencies())

    return source()
