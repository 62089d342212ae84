"""The dbt build of the warehouse DAG: one `dbt build` per night, a task per dbt node.

Cosmos `ExecutionMode.WATCHER`: a producer task runs ONE `dbt build` of the whole
project (dbt's own threads, as many as the machine has cores) and one sensor task per
model, seed, snapshot and test reports that node's result, so the UI still shows which
node failed. The sensors wait for the producer (an explicit dependency): a sensor then
finds its node's result on its first look, and the same DAG runs under `dag.test()`,
which runs one task at a time, as under the scheduler.

The night's as-of date reaches dbt as a var of the run (`report_night`: the run's
logical date, or its source runs' for an Asset-triggered run), rendered by Airflow.
"""

from __future__ import annotations

import os
from pathlib import Path

from airflow.sdk import TaskGroup, task

from eduwh.config import PROJECT_ROOT, Settings

DBT_PROJECT = PROJECT_ROOT / "dbt_project"
GROUP_ID = "dbt"
# The run's moment, for dbt's `report_as_of_dates` macro (the day before its local date):
# orchestration.run_moment, a macro of the warehouse DAG (an Asset-triggered run has no
# logical_date in its context at all).
NIGHT_VAR = "{{ run_moment(dag_run, triggering_asset_events).isoformat() }}"


def manifest_path(settings: Settings) -> Path:
    return settings.home / "dbt" / "target" / "manifest.json"


def dbt_threads() -> int:
    """dbt's threads: the machine's cores (`EDUWH_DBT_THREADS` to override)."""
    return Settings.from_env().dbt_threads or os.cpu_count() or 2


def dbt_build_group():
    """The whole dbt project as one Cosmos task group (one build)."""
    from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos import settings as cosmos_settings
    from cosmos.constants import ExecutionMode, InvocationMode, LoadMode

    # Cosmos' "reliable retry" rewrites ALL the producer's XComs so far, compressed, into
    # an Airflow Variable on EVERY push (some 1,700 a night): quadratic, it made the one
    # dbt build cost 1.3-1.5x itself (issue 11). Off, the backup is written once, when
    # the producer fails (its failure and retry callbacks), which is when a retry reads it.
    cosmos_settings.enable_watcher_reliable_retry = False
    _push_each_node_s_dbt_event_once()

    manifest = manifest_path(Settings.from_env())
    if not manifest.exists():
        # Parsing must not call dbt: without a manifest the group says what to do.
        with TaskGroup(group_id=GROUP_ID) as group:

            @task(task_id="manifest_missing")
            def manifest_missing():
                raise RuntimeError(f"no dbt manifest at {manifest}: run `eduwh setup`")

            manifest_missing()
        return group
    group = DbtTaskGroup(
        group_id=GROUP_ID,
        project_config=ProjectConfig(
            dbt_project_path=DBT_PROJECT,
            manifest_path=manifest,
            project_name="eduwh",
            install_dbt_deps=False,  # no dbt packages: the hub cannot be reached
        ),
        profile_config=ProfileConfig(
            profile_name="eduwh",
            target_name="warehouse",
            profiles_yml_filepath=DBT_PROJECT / "profiles.yml",
        ),
        render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.WATCHER,
            invocation_mode=InvocationMode.DBT_RUNNER,
        ),
        operator_args={
            "vars": {"report_night": NIGHT_VAR},
            "dbt_cmd_flags": ["--threads", str(dbt_threads())],
        },
    )
    _sensors_after_the_build(group)
    return group


def _push_each_node_s_dbt_event_once() -> None:
    """The producer pushes a node's dbt event (its start, finish and message) to XCom on
    each of dbt's NodeStart, NodeCompiling, NodeExecuting and NodeFinished, under one key;
    the node's sensor reads that key once, when the node is finished, so it only ever
    reads the last push (NodeFinished carries the start time too). The three pushes
    before it, some 1,100 a night at about 8 ms each through Airflow's execution API,
    cost 9 s of a 30 s build (issue 11): only the final event and dbt's error events
    are pushed. Should a Cosmos release rename these (tests/dags/test_dbt_group.py
    checks them), every event is pushed as before."""
    from cosmos.operators._watcher import base

    errors = getattr(base, "_DBT_ERROR_EVENTS_TYPES", None)
    if isinstance(getattr(base, "_DBT_EVENT_ALLOWLIST", None), frozenset) and errors:
        base._DBT_EVENT_ALLOWLIST = frozenset(errors) | {"NodeFinished"}


def _tasks(group) -> list:
    """Every task of a task group, nested groups (a model with its tests) included."""
    from airflow.sdk import TaskGroup as Group

    found = []
    for child in group.children.values():
        found.extend(_tasks(child) if isinstance(child, Group) else [child])
    return found


def _sensors_after_the_build(group) -> None:
    tasks = _tasks(group)
    producer = next(t for t in tasks if t.task_id.endswith("dbt_producer_watcher"))
    for sensor in tasks:
        if sensor is not producer and producer not in sensor.upstream_list:
            producer >> sensor
