"""The production stack on this machine: `eduwh cluster up` (2 Celery workers) and a
night on it (`eduwh run --executor celery`), the scheduler's way.

One cluster for the module (its own EDUWH_HOME, a new database of the session's server,
free ports), stopped whatever happens. The tests build on each other, in file order:
the night (a worker killed while it runs a source task) -> its figures -> the retry ->
a second trigger of the same night -> the pools. The expected figures are the data set's
expected.json, which the generator counts from its own records.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from eduwh.cluster.api import AirflowApi
from eduwh.warehouse import admin_dsn
from tests.conftest import free_port, new_database

pytestmark = [
    pytest.mark.timeout(3000),
    # Opt-in: a night here is one Celery task per dbt node (about 100, each a few seconds
    # of a task process on two cores) per Asset-triggered warehouse run, two runs a night,
    # and the module runs two nights: far beyond the suite's budget.
    pytest.mark.skipif(
        os.environ.get("EDUWH_CLUSTER_TESTS") != "1",
        reason="the cluster end-to-end test takes tens of minutes: EDUWH_CLUSTER_TESTS=1",
    ),
]
SOURCE_DAGS = ("motcua_dossiers", "eoffice_documents", "moet_school_db", "sis_exports")


def _eduwh(env: dict, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "eduwh.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _state(env: dict) -> dict:
    return json.loads((Path(env["EDUWH_HOME"]) / "cluster" / "state.json").read_text())


@pytest.fixture(scope="module")
def cluster(settings, builtin_dataset, tmp_path_factory):
    home = tmp_path_factory.mktemp("cluster-home")
    warehouse = new_database(settings)
    env = {
        **os.environ,
        "EDUWH_HOME": str(home),
        "WAREHOUSE_DSN": admin_dsn(warehouse),
        "EDUWH_AIRFLOW_PORT": str(free_port()),
        "EDUWH_REDIS_PORT": str(free_port()),
        # a retry in seconds, a dead worker's task noticed after 30 s (defaults 2 / 5 min)
        "EDUWH_TASK_RETRY_DELAY_SECONDS": "5",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "30",
        # the dbt nodes' sensor tasks mostly wait: more slots on the worker that survives
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "4",
    }
    try:
        up = _eduwh(env, "cluster", "up", "--workers", "2", "--data", str(builtin_dataset))
        assert up.returncode == 0, up.stderr[-4000:]
        state = _state(env)
        api = AirflowApi(state["api_url"], home / "cluster" / "airflow" / "passwords.json")
        yield env, api, warehouse
    finally:
        down = _eduwh(env, "cluster", "down", timeout=400)
        (home / "down.log").write_text(down.stderr)  # which service stopped, which was killed
        sys.stderr.write(down.stderr)
        state_file = home / "cluster" / "state.json"
        if down.returncode != 0 and state_file.exists():  # leave nothing running
            for service in json.loads(state_file.read_text())["services"].values():
                try:
                    os.killpg(service["pid"], signal.SIGKILL)
                except ProcessLookupError:
                    pass


def _kill_the_worker_of_the_first_running_source_task(env: dict, api: AirflowApi, out: dict):
    """Poll the source DAGs' task instances; the first one running with a PID: kill the
    process group of the worker it runs under (the worker's PID from state.json)."""
    workers = {n: s["pid"] for n, s in _state(env)["services"].items() if n.startswith("worker")}
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and "stop" not in out:
        for dag_id in SOURCE_DAGS:
            for run in api.dag_runs(dag_id):
                for ti in api.task_instances(dag_id, run["dag_run_id"]):
                    if ti["state"] != "running" or not ti.get("pid"):
                        continue
                    ancestors = _ancestor_groups(ti["pid"])
                    for name, pid in workers.items():
                        if pid in ancestors:
                            # the task runs in a process group of its own, under the
                            # worker's: the whole machine of that worker dies
                            os.killpg(_process_group(ti["pid"]), signal.SIGKILL)
                            os.killpg(pid, signal.SIGKILL)
                            out.update(killed=name, dag_id=dag_id, run_id=run["dag_run_id"])
                            out["task_id"] = ti["task_id"]
                            out["map_index"] = ti.get("map_index", -1)
                            return
        time.sleep(0.2)


def _stat(pid: int) -> list[str]:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return stat[stat.rindex(")") + 2 :].split()  # state, ppid, pgrp, ...


def _process_group(pid: int) -> int:
    return int(_stat(pid)[2])


def _ancestor_groups(pid: int) -> set[int]:
    """The process groups of `pid` and of its ancestors."""
    groups = set()
    while pid > 1 and (fields := _stat(pid)):
        groups.add(int(fields[2]))
        pid = int(fields[1])
    return groups


def _night(env: dict) -> dict:
    run = _eduwh(env, "run", "--executor", "celery", "--as-of", "2019-12-06", timeout=2400)
    assert run.returncode == 0, (run.stdout[-2000:], run.stderr[-5000:])
    return json.loads(run.stdout[run.stdout.rindex('{\n  "agency"') :])


@pytest.fixture(scope="module")
def night(cluster, builtin_dataset):
    env, api, _ = cluster
    killed: dict = {}
    killer = threading.Thread(
        target=_kill_the_worker_of_the_first_running_source_task, args=(env, api, killed)
    )
    killer.start()
    try:
        figures = _night(env)
    finally:
        killed["stop"] = True
        killer.join()
    expected = json.loads((builtin_dataset / "expected.json").read_text())
    return figures, expected, killed


def test_the_night_through_assets_gives_the_data_sets_figures(cluster, night):
    _, api, _ = cluster
    figures, expected, _ = night
    for section in ("procedures", "dossiers", "documents", "schools"):
        assert figures[section] == expected[section], section
    assert figures["quality"]["checkpoint"] == "passed"
    warehouse_runs = api.dag_runs("eduwh_warehouse")
    assert warehouse_runs and {r["run_type"] for r in warehouse_runs} == {"asset_triggered"}
    assert all(r["state"] == "success" for r in warehouse_runs)


def test_a_killed_workers_task_is_retried_on_the_other_and_lands_once(cluster, night):
    env, api, warehouse = cluster
    _, _, killed = night
    assert "killed" in killed, "no source task was seen running"
    tries = api.task_tries(
        killed["dag_id"], killed["run_id"], killed["task_id"], killed["map_index"]
    )
    assert [t["try_number"] for t in tries][-1] >= 2
    assert tries[-1]["state"] == "success"
    status = _eduwh(env, "cluster", "status").stdout
    # the killed worker stays dead: the retry can only have run on the other one
    assert f"{killed['killed']:<14}" in status
    assert [line for line in status.splitlines() if line.startswith(killed["killed"])][0].find(
        "stopped"
    ) > 0
    with psycopg.connect(admin_dsn(warehouse)) as conn:
        for table, identity in _landing_identities(conn).items():
            duplicated = conn.execute(
                f"select count(*) - count(distinct ({identity})) from raw.{table}"
            ).fetchone()[0]
            assert duplicated == 0, f"raw.{table}: {duplicated} rows landed twice"


# What says which batch landed a row, not what was landed: the same delivery landed by
# two batches differs only in these (a record may repeat in two files of a delivery).
BATCH_COLUMNS = {"batch_id", "loaded_at", "window_start", "window_end"}


def _landing_identities(conn) -> dict[str, str]:
    """Each raw table with records -> its columns that say what was landed."""
    rows = conn.execute(
        "select table_name, string_agg(column_name, ', ' order by ordinal_position)"
        " from information_schema.columns where table_schema = 'raw'"
        " and table_name in (select table_name from information_schema.columns"
        " where table_schema = 'raw' and column_name = 'record') group by table_name"
    ).fetchall()
    identities = {}
    for table, columns in rows:
        landed = [c for c in columns.split(", ") if c not in BATCH_COLUMNS]
        # a file's row is its place in the file; an API's record carries its own id and
        # stamps (record_no is only its place in the batch: two landings may differ)
        identities[table] = ", ".join(landed if "file" in landed else ["record"])
    return identities


def _marts_digest(warehouse) -> dict[str, str]:
    with psycopg.connect(admin_dsn(warehouse)) as conn:
        tables = conn.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
            " and table_type = 'BASE TABLE' order by 1"
        ).fetchall()
        digests = {}
        for (table,) in tables:
            rows = conn.execute(f"select t::text from marts.{table} t").fetchall()
            digests[table] = hashlib.sha256(
                "\n".join(sorted(r[0] for r in rows)).encode()
            ).hexdigest()
        return digests


def test_a_second_trigger_of_the_same_night_changes_no_mart(cluster, night):
    env, api, warehouse = cluster
    before = _marts_digest(warehouse)
    runs_before = len(api.dag_runs("eduwh_warehouse"))
    again, first = dict(_night(env)), dict(night[0])
    # the checks ran again (a checkpoint run of its own), with the same outcome
    checked_again, checked_first = again.pop("quality"), first.pop("quality")
    assert checked_again["run_id"] != checked_first["run_id"]
    assert {**checked_again, "run_id": None} == {**checked_first, "run_id": None}
    assert again == first
    assert len(api.dag_runs("eduwh_warehouse")) > runs_before  # the Assets built again
    assert _marts_digest(warehouse) == before


def _most_at_once(intervals: list[tuple[datetime, datetime]]) -> int:
    """The most intervals open at one moment (an end before a start at the same time)."""
    moments = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    most = running = 0
    for _, step in sorted(moments, key=lambda moment: (moment[0], moment[1])):
        running += step
        most = max(most, running)
    return most


def test_no_pool_ran_more_tasks_at_once_than_its_slots(cluster, night):
    """Every try of every source task of the nights so far, by its start and end: at no
    moment did more run in a pool than the pool's slots."""
    _, api, _ = cluster
    slots = {pool["name"]: pool["slots"] for pool in api.get("/pools")["pools"]}
    by_pool: dict[str, list[tuple[datetime, datetime]]] = {}
    for dag_id in SOURCE_DAGS:
        for run in api.dag_runs(dag_id):
            for ti in api.task_instances(dag_id, run["dag_run_id"]):
                tries = api.task_tries(
                    dag_id, run["dag_run_id"], ti["task_id"], ti.get("map_index", -1)
                )
                for attempt in tries:
                    if attempt["start_date"] and attempt["end_date"]:
                        by_pool.setdefault(attempt["pool"], []).append(
                            (
                                datetime.fromisoformat(attempt["start_date"]),
                                datetime.fromisoformat(attempt["end_date"]),
                            )
                        )
    assert set(by_pool) == {"motcua", "eoffice", "csdl_moet", "sis"}
    for pool, intervals in by_pool.items():
        assert 1 <= _most_at_once(intervals) <= slots[pool], pool


def test_a_pool_without_slots_holds_the_sources_task_until_it_has_one(cluster, night):
    """The pool caps the calls to one source: with its slots at 0 the source's tasks wait
    (not started) while the scheduler loops; once given slots, they start and succeed."""
    env, api, _ = cluster
    api.patch("/dags/eduwh_warehouse", {"is_paused": True})  # no third build
    slots = api.get("/pools/motcua")["slots"]
    run = max(api.dag_runs("motcua_dossiers"), key=lambda r: r["start_date"] or "")
    api.set_pool_slots("motcua", 0)
    try:
        cleared = datetime.now(UTC)
        api.post(
            "/dags/motcua_dossiers/clearTaskInstances",
            {"dag_run_id": run["dag_run_id"], "dry_run": False, "only_failed": False},
        )
        time.sleep(30)  # several scheduler loops

        def in_the_pool() -> list[dict]:
            tis = api.task_instances("motcua_dossiers", run["dag_run_id"])
            return [ti for ti in tis if ti["pool"] == "motcua"]

        held = in_the_pool()
        assert held, "no task of the motcua pool in the run"
        for ti in held:
            assert ti["state"] in ("scheduled", "none", None), ti["state"]
            started = ti["start_date"] and datetime.fromisoformat(ti["start_date"])
            assert not started or started < cleared, ti  # nothing started since
        reopened = datetime.now(UTC)
        api.set_pool_slots("motcua", slots)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            done = in_the_pool()
            if all(ti["state"] in ("success", "failed") for ti in done):
                break
            time.sleep(2)
        assert [ti["state"] for ti in done] == ["success"] * len(done)
        assert all(datetime.fromisoformat(ti["start_date"]) >= reopened for ti in done)
    finally:
        api.set_pool_slots("motcua", slots)
