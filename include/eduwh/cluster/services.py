"""`eduwh cluster up|status|down`: the CeleryExecutor stack as processes of this machine.

Each service runs in a process group of its own (so stopping it stops its children:
Celery's pool, the task supervisors, gunicorn/uvicorn workers), its output in
EDUWH_HOME/cluster/logs/<service>.log, its PID in EDUWH_HOME/cluster/state.json as soon
as it is started (so `down` finds everything even after a failed `up`).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from eduwh.cli.ops import group_members
from eduwh.cluster.environment import (
    METADATA_DATABASE,
    METADATA_ROLE,
    Ports,
    cluster_environment,
    cluster_folder,
    with_database,
)
from eduwh.config import Settings, process_environment
from eduwh.errors import UserError

AIRFLOW = (sys.executable, "-m", "airflow")  # this environment's, PATH or not
AIRFLOW_SERVICES = ("api-server", "scheduler", "dag-processor", "triggerer")
# `down` stops in this order: no new task is taken, the running ones finish (Celery's
# warm shutdown), then the scheduler, ..., and last what the tasks talk to.
STOP_ORDER = ("worker", "scheduler", "triggerer", "dag-processor", "api-server", "sandbox", "redis")
STOP_TIMEOUT = {"worker": 120.0}  # a running task may finish; others get 30 s
HEALTH_TIMEOUT = 300.0  # two loaded cores start six Python services at once


@dataclass
class Cluster:
    """What `up` started, as state.json holds it."""

    folder: Path
    services: dict[str, dict]  # name -> {"pid", "log"}
    api_url: str
    ports: dict[str, int]
    night: dict  # the sources the cluster serves: dag_ids, description, data_dir, faults

    @classmethod
    def load(cls, settings: Settings) -> Cluster | None:
        state = state_file(settings)
        if not state.exists():
            return None
        return cls(folder=cluster_folder(settings), **json.loads(state.read_text()))

    def save(self) -> None:
        state = self.folder / "state.json"
        fields = {
            "services": self.services,
            "api_url": self.api_url,
            "ports": self.ports,
            "night": self.night,
        }
        aside = state.with_suffix(".tmp")
        aside.write_text(json.dumps(fields, indent=2))
        aside.replace(state)

    @property
    def password_file(self) -> Path:
        return self.folder / "airflow" / "passwords.json"

    def alive(self, name: str) -> bool:
        return bool(group_members(self.services[name]["pid"]))

    def workers(self) -> list[str]:
        return sorted(name for name in self.services if name.startswith("worker-"))


def state_file(settings: Settings) -> Path:
    return cluster_folder(settings) / "state.json"


# -- up -------------------------------------------------------------------------------
def up(
    settings: Settings,
    workers: int = 2,
    data: str | None = None,
    faults: str = "none",
    echo: Callable[[str], None] | None = None,
) -> Cluster:
    """Start the whole stack and wait until every service is healthy; on any failure
    stop what was started and raise a one-line error naming the service and its log."""
    from eduwh import warehouse
    from eduwh.cli.night import check_data_dir
    from eduwh.cli.setup import setup
    from eduwh.warehouse.dbt import dbt_environment

    echo = echo or _stderr
    if workers < 1:
        raise UserError("--workers must be at least 1")
    running = Cluster.load(settings)
    if running is not None and any(running.alive(name) for name in running.services):
        raise UserError(
            f"a cluster is already running here (eduwh cluster status): {running.api_url}"
        )
    data_dir = check_data_dir(settings, data)
    os.umask(0o077)  # secrets, logs and the password file owner-only, in every child
    folder = cluster_folder(settings)
    for sub in ("", "airflow", "logs"):
        (folder / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
    echo(f"warehouse: {warehouse.ensure(settings)}")
    setup(settings)  # the dbt manifest the DAG processor renders the warehouse DAG from
    ports = Ports(
        api=_free(settings.airflow_port, "EDUWH_AIRFLOW_PORT"),
        redis=_free(settings.redis_port, "EDUWH_REDIS_PORT"),
    )
    env = cluster_environment(
        settings, ports, metadata_database(settings), _secret(settings, "airflow-jwt")
    )
    env.update(dbt_environment(settings))
    env.update(_warehouse_passwords())
    cluster = Cluster(
        folder,
        services={},
        api_url=f"http://127.0.0.1:{ports.api}",
        ports={"api": ports.api, "redis": ports.redis},
        night={},
    )
    try:
        _start_redis(cluster, ports.redis, env)
        echo("airflow: migrating the metadata database, importing the pools ...")
        _migrate(cluster, env)
        cluster.night = _start_sources(cluster, settings, data_dir, faults, env)
        echo(cluster.night["description"])
        for name in AIRFLOW_SERVICES:
            extra = ["--skip-serve-logs"] if name == "triggerer" else []
            cluster_start(cluster, name, [*AIRFLOW, name, *extra], env)
        for number in range(1, workers + 1):
            _start_worker(cluster, number, env)
        _wait_healthy(cluster, echo)
    except BaseException:
        echo("cluster up failed: stopping what was started")
        down(settings, echo=echo)
        raise
    _announce(cluster, echo)
    return cluster


def _start_worker(cluster: Cluster, number: int, env: dict) -> None:
    name = f"worker-{number}"
    command = [
        *AIRFLOW,
        "celery",
        "worker",
        "--celery-hostname",
        f"{name}@%h",
        "--concurrency",
        env.get("AIRFLOW__CELERY__WORKER_CONCURRENCY", "2"),
        "--pid",
        str(cluster.folder / f"{name}.pid"),
        "--skip-serve-logs",  # one machine: the API server reads the log files itself
    ]
    cluster_start(cluster, name, command, env)


def cluster_start(cluster: Cluster, name: str, command: list[str], env: dict) -> int:
    """Start one service in its own process group, recorded at once in state.json."""
    log = cluster.folder / "logs" / f"{name}.log"
    with open(log, "ab") as output:
        process = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=cluster.folder,
        )
    cluster.services[name] = {"pid": process.pid, "log": str(log)}
    cluster.save()
    return process.pid


def metadata_database(settings: Settings) -> str:
    """Airflow's metadata: the database `airflow` of the warehouse server, owned by a
    role of its own (password generated into the state folder), made if missing."""
    from psycopg import sql

    from eduwh import warehouse

    password = _secret(settings, "airflow-metadata")
    with warehouse.connect(settings, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_roles where rolname = %s", (METADATA_ROLE,))
        verb = "alter" if exists.fetchone() else "create"
        conn.execute(
            sql.SQL(verb + " role {} login password {}").format(
                sql.Identifier(METADATA_ROLE), sql.Literal(password)
            )
        )
        found = conn.execute("select 1 from pg_database where datname = %s", (METADATA_DATABASE,))
        if not found.fetchone():
            conn.execute(
                sql.SQL("create database {} owner {}").format(
                    sql.Identifier(METADATA_DATABASE), sql.Identifier(METADATA_ROLE)
                )
            )
    return with_database(warehouse.admin_dsn(settings), METADATA_DATABASE, METADATA_ROLE, password)


def _secret(settings: Settings, name: str) -> str:
    from eduwh.warehouse import secrets_dir
    from eduwh.warehouse.secret_files import read_or_create

    return read_or_create(secrets_dir(settings) / f"{name}.secret")


def _warehouse_passwords() -> dict[str, str]:
    """The roles' passwords `warehouse.ensure` put in this environment for children."""
    return {
        name: value
        for name, value in process_environment().items()
        if name.startswith("WAREHOUSE_")
    }


def _free(port: int, variable: str) -> int:
    """`port` (the setting `variable`), or a one-line error when it is taken."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise UserError(f"port {port} on 127.0.0.1 is in use: set {variable} to a free one")
    return port


def _start_redis(cluster: Cluster, port: int, env: dict) -> None:
    """Debian's redis-server on 127.0.0.1 only, no persistence (the broker holds only
    messages the scheduler re-sends), its folder under the cluster's."""
    import shutil

    if shutil.which("redis-server") is None:
        raise UserError("redis-server is not installed (make redis)")
    folder = cluster.folder / "redis"
    folder.mkdir(mode=0o700, exist_ok=True)
    command = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder)]
    command += ["--save", "", "--appendonly", "no", "--protected-mode", "yes"]
    cluster_start(cluster, "redis", command, env)
    _wait(lambda: _redis_ping(port), "redis", cluster, 30)


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _migrate(cluster: Cluster, env: dict) -> None:
    from eduwh.cluster.pools import write_pools

    pools = write_pools(cluster.folder / "airflow" / "pools.json")
    for args in (["db", "migrate"], ["pools", "import", str(pools)]):
        result = subprocess.run([*AIRFLOW, *args], env=env, capture_output=True, text=True)
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip().splitlines()[-1:]
            raise UserError(f"airflow {' '.join(args)} failed: {' '.join(tail)}")


def _start_sources(cluster: Cluster, settings: Settings, data_dir, faults: str, env) -> dict:
    """The night's sources for the cluster's lifetime: the sandbox stand-ins as a
    service when the data set is a sandbox one; their settings go to the workers."""
    from eduwh.cli.night import night_sources

    if data_dir is None:
        with night_sources(settings, None) as night:
            env.update(night.agency.environment())
            return {
                "dag_ids": night.dag_ids,
                "description": night.description,
                "data_dir": None,
                "faults": faults,
            }
    served = cluster.folder / "sandbox.json"
    served.unlink(missing_ok=True)
    command = [sys.executable, "-m", "eduwh.cluster.sandbox_service", str(data_dir), faults]
    command.append(str(served))
    cluster_start(cluster, "sandbox", command, env)
    _wait(served.exists, "sandbox", cluster, 120)
    night = json.loads(served.read_text())
    env.update(night.pop("env"))
    # the sandbox's clock stands at the data set's night: the wall clock's nightly runs
    # would land "today" from it; its nights are the ones triggered (eduwh run)
    env["EDUWH_SOURCE_SCHEDULE"] = "none"
    return night


def _wait(ready: Callable[[], bool], name: str, cluster: Cluster, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if not cluster.alive(name):
            raise UserError(f"{name} ended while starting; see {cluster.services[name]['log']}")
        if time.monotonic() > deadline:
            raise UserError(
                f"{name} not ready after {timeout:.0f}s; see {cluster.services[name]['log']}"
            )
        time.sleep(0.5)


def health(cluster: Cluster) -> dict[str, str]:
    """Each service's health: the API server's monitor for the Airflow components (their
    heartbeats in the metadata), the worker's own log for Celery ('ready.')."""
    answer = {}
    try:
        with urllib.request.urlopen(f"{cluster.api_url}/api/v2/monitor/health", timeout=5) as r:
            monitor = json.load(r)
        answer["api-server"] = monitor["metadatabase"]["status"]
        for name in ("scheduler", "triggerer", "dag-processor"):
            answer[name] = (monitor.get(name.replace("-", "_")) or {}).get("status") or "unknown"
    except (OSError, ValueError, KeyError):
        answer["api-server"] = "not answering"
    for name in cluster.workers():
        log = Path(cluster.services[name]["log"])
        ready = log.exists() and f"{name}@" in log.read_text() and "ready." in log.read_text()
        answer[name] = "healthy" if ready else "starting"
    if "redis" in cluster.services:
        answer["redis"] = "healthy" if _redis_ping(cluster.ports["redis"]) else "not answering"
    if "sandbox" in cluster.services:
        answer["sandbox"] = "serving" if cluster.alive("sandbox") else "stopped"
    return answer


def _wait_healthy(cluster: Cluster, echo) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT
    reported: set[str] = set()
    while True:
        states = health(cluster)
        for name, state in states.items():
            if state in ("healthy", "serving") and name not in reported:
                reported.add(name)
                echo(f"  {name}: {state}")
        dead = [name for name in cluster.services if not cluster.alive(name)]
        if dead:
            raise UserError(
                f"{dead[0]} ended while starting; see {cluster.services[dead[0]]['log']}"
            )
        waiting = [n for n, s in states.items() if s not in ("healthy", "serving")]
        if not waiting:
            return
        if time.monotonic() > deadline:
            log = cluster.services.get(waiting[0], cluster.services["api-server"])["log"]
            raise UserError(f"{waiting[0]} not healthy after {HEALTH_TIMEOUT:.0f}s; see {log}")
        time.sleep(2)


def _announce(cluster: Cluster, echo) -> None:
    for _ in range(40):  # the API server writes it when it starts
        if cluster.password_file.exists():
            cluster.password_file.chmod(0o600)
            break
        time.sleep(0.25)
    echo(
        "\n".join(
            [
                "",
                "eduwh cluster is up / cụm eduwh đã chạy (CeleryExecutor)",
                f"  Airflow UI:      {cluster.api_url}/",
                "  login:           admin",
                f"  password file:   {cluster.password_file}",
                f"  workers:         {', '.join(cluster.workers())}",
                f"  logs:            {cluster.folder / 'logs'}",
                "  a night:         eduwh run --executor celery --as-of YYYY-MM-DD",
                "  stop:            eduwh cluster down",
                "",
            ]
        )
    )


# -- status and down ----------------------------------------------------------------
def status(settings: Settings) -> list[str]:
    """One line per service: name, PID, running or not, health."""
    cluster = Cluster.load(settings)
    if cluster is None:
        return ["no cluster here (eduwh cluster up)"]
    states = health(cluster) if any(cluster.alive(n) for n in cluster.services) else {}
    return [
        f"{name:<14} pid {service['pid']:<8} "
        + ("running" if cluster.alive(name) else "stopped")
        + (f", {states[name]}" if cluster.alive(name) and name in states else "")
        for name, service in cluster.services.items()
    ]


def down(settings: Settings, echo: Callable[[str], None] | None = None) -> list[str]:
    """Stop, in STOP_ORDER, every service `up` started, by its recorded PID: SIGTERM
    (for a Celery worker a warm shutdown: its running tasks finish), then, after the
    kind's timeout, SIGKILL to what is left of its processes, each named in the line."""
    echo = echo or _stderr
    cluster = Cluster.load(settings)
    if cluster is None:
        return ["no cluster here"]
    lines = []
    for kind in STOP_ORDER:
        names = [n for n in cluster.services if n == kind or n.startswith(f"{kind}-")]
        pending = {name: cluster.services[name]["pid"] for name in names if cluster.alive(name)}
        trees = {name: service_processes(pid) for name, pid in pending.items()}
        for pid in pending.values():  # same kind together: the workers drain at once
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT.get(kind, 30.0)
        for name, pid in pending.items():
            how = stop_service(pid, trees[name], deadline)
            lines.append(f"{name:<14} pid {pid:<8} {how}")
            echo(lines[-1])
    state_file(settings).unlink(missing_ok=True)
    return lines


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _processes() -> dict[int, tuple[int, int]]:
    """Every live (not zombie) process of this machine: pid -> (parent pid, group)."""
    table = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:  # ended meanwhile
                continue
            fields = stat[stat.rindex(")") + 2 :].split()  # state, ppid, pgrp, ...
            if fields[0] != "Z":
                table[int(entry.name)] = (int(fields[1]), int(fields[2]))
    return table


def service_processes(pid: int, known: set[int] = frozenset()) -> set[int]:
    """A service's live processes: its group (it leads one) and every descendant of its
    PID, also those in groups of their own (Airflow runs each task in a new session
    under the Celery pool process), plus those of `known` still alive (orphans of a
    parent that ended meanwhile)."""
    table = _processes()
    found = {p for p, (_, group) in table.items() if group == pid} | (set(known) & set(table))
    found |= {pid} & set(table)
    grew = True
    while grew:
        children = {p for p, (parent, _) in table.items() if parent in found} - found
        grew = bool(children)
        found |= children
    return found


def stop_service(pid: int, processes: set[int], deadline: float) -> str:
    """Wait until `deadline` for the service's processes (sent SIGTERM) to end, then
    SIGKILL the stragglers; say how it ended, naming what was killed."""
    while time.monotonic() < deadline:
        processes = service_processes(pid, processes)
        if not processes:
            return "stopped"
        time.sleep(0.2)
    stragglers = sorted(service_processes(pid, processes))
    if not stragglers:
        return "stopped"
    named = ", ".join(f"{p} ({_command(p)})" for p in stragglers)
    for straggler in stragglers:
        _signal(straggler, signal.SIGKILL)
    return f"killed after the SIGTERM timeout: {named}"


def _command(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "ended"
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()[:80]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
