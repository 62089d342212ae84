"""Operating the nights: `eduwh backfill` (a range of nights) and `eduwh up` (the UI).

Backfill — what runs, and why this way
--------------------------------------
Airflow 3's backfill (`airflow backfill create --dag-id D --from-date A --to-date B`,
or the REST API's `POST /api/v2/backfills`) only *creates* DAG runs; a running
scheduler executes them. That is what an operator uses on the production stack (and
on `eduwh up`, whose scheduler runs). Locally `eduwh backfill` usually has no
scheduler, so it runs the same nights itself, in order, through Airflow's own task
runner: `dag.test(logical_date=night, run_conf=...)` per source DAG and night — the
way `eduwh run` runs one night — then the warehouse DAG once, at the last night.
The runs are recorded in Airflow's metadata like any other run (run type manual).

Nights: `--from 2019-12-01 --to 2019-12-07` are the runs of 01:00 on 1 … 7 December
(Asia/Ho_Chi_Minh; both ends included, the logical dates Airflow's backfill would
create); the run of 7 December extracts what changed before 7 December 00:00, so the
warehouse build reports as of 6 December (the night of its run, a var of the dbt build).

Idempotent: the loaders are watermark-based, so a night already loaded lands nothing
and a range replayed changes no mart. `--full-refresh` passes the DAGs' `full_refresh`
param to the *first* night of the range only: that night re-extracts everything up to
its end, the following nights continue from the watermark it leaves.

Retries: `dag.test()` honours them but sits out each retry delay (2 min and up), so the
backfill runs its tasks without retries (the night-runner turns them off).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from eduwh.cli.night import (
    AGENCY_SETTINGS,
    SANDBOX_SETTINGS,
    WAREHOUSE_DAG,
    check_data_dir,
    check_register,
    dag,
    night_sources,
    run_dag,
)
from eduwh.cli.night import SOURCE_DAGS as night_dags
from eduwh.config import (
    Settings,
    airflow_environment,
    child_environment,
    overlay,
    process_environment,
    process_values,
)
from eduwh.errors import UserError

SOURCE_DAGS = tuple(night_dags.values())
LOCAL_TZ = "Asia/Ho_Chi_Minh"


class OpsError(RuntimeError):
    """A backfill or `up` the operator can fix (bad range, unknown DAG, failed run)."""


# -- backfill ---------------------------------------------------------------------
def nights(start: date, end: date) -> list[datetime]:
    """The logical dates of the nightly runs from `start` to `end`, both included."""
    import pendulum

    if end < start:
        raise OpsError(f"--to {end} is before --from {start}")
    return [
        pendulum.datetime(day.year, day.month, day.day, 1, tz=LOCAL_TZ)
        for day in (start + timedelta(days=n) for n in range((end - start).days + 1))
    ]


def backfill(
    settings: Settings,
    start: date,
    end: date,
    dag_ids: Sequence[str] | None = None,
    *,
    full_refresh: bool = False,
    data: str | None = None,
    build: bool = True,
    echo=None,
) -> dict:
    """Run the source DAGs over the nights `start`…`end` in order, then the warehouse once.

    Returns {"nights": [...], "runs": [{"dag_id", "night", "state"}...], "warehouse": state}.
    Raises OpsError on the first failed run (the nights after it are not run: a rerun of
    the same range resumes, the loaders skip what landed).
    """
    from eduwh import warehouse
    from eduwh.warehouse.dbt import dbt_environment

    echo = echo or _stderr
    unknown = sorted(set(dag_ids or ()) - set(SOURCE_DAGS))
    if unknown:
        raise OpsError(f"not a source DAG: {', '.join(unknown)} (known: {', '.join(SOURCE_DAGS)})")
    planned = nights(start, end)
    data_dir = check_data_dir(settings, data)
    check_register(settings, data_dir)
    started = time.monotonic()

    echo(f"warehouse: {warehouse.ensure(settings)}")
    runs = []
    built = None
    with (
        overlay({**airflow_environment(settings), **dbt_environment(settings)}),
        night_sources(settings, data_dir) as night,
    ):
        absent = sorted(set(dag_ids or ()) - set(night.dag_ids))
        if absent:
            raise OpsError(f"the sources of {', '.join(absent)} are not in this night's sources")
        chosen = [dag_id for dag_id in night.dag_ids if not dag_ids or dag_id in dag_ids]
        for number, night_date in enumerate(planned):
            if night.server is not None:  # the sandbox answers as the source would that night
                night.server.clock = night_date.start_of("day").naive() - timedelta(seconds=1)
            for dag_id in chosen:
                conf = _conf(dag(dag_id), full_refresh=full_refresh and number == 0)
                state = _run(dag_id, night_date, conf)
                runs.append({"dag_id": dag_id, "night": night_date.isoformat(), "state": state})
                echo(f"[{time.monotonic() - started:6.1f}s] {dag_id} {night_date.date()}: {state}")
        if build:
            built = _run(WAREHOUSE_DAG, planned[-1], None)
            elapsed = time.monotonic() - started
            echo(f"[{elapsed:6.1f}s] {WAREHOUSE_DAG} {planned[-1].date()}: {built}")
    return {
        "nights": [night_date.date().isoformat() for night_date in planned],
        "runs": runs,
        "warehouse": built,
        "report_as_of": (end - timedelta(days=1)).isoformat(),
    }


def _conf(dag, *, full_refresh: bool) -> dict | None:
    if full_refresh and "full_refresh" in dag.params:
        return {"full_refresh": True}
    return None


def _run(dag_id: str, logical_date: datetime, conf: dict | None) -> str:
    """The night-runner's run, its failure with the backfill's own hint."""
    try:
        state = run_dag(dag_id, logical_date, conf).state
    except UserError as failed:
        raise OpsError(f"{failed} (rerun the same range to resume)") from None
    return str(getattr(state, "value", state))


# -- up -------------------------------------------------------------------------------
def up_environment(settings: Settings, port: int) -> dict[str, str]:
    """`airflow standalone` on 127.0.0.1:<port>, the project's DAGs and plugins, the
    simple auth manager with one generated admin password (written under AIRFLOW_HOME)."""
    base = f"http://127.0.0.1:{port}"
    return {
        **airflow_environment(settings),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": base,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{base}/execution/",
        "AIRFLOW__CORE__AUTH_MANAGER": (
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
        ),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
    }


def password_file(settings: Settings) -> Path:
    """Where the simple auth manager writes the generated passwords (the default of
    `[core] simple_auth_manager_passwords_file`), unless configured elsewhere."""
    if settings.airflow_passwords_file is not None:
        return settings.airflow_passwords_file
    return settings.airflow_home / "simple_auth_manager_passwords.json.generated"


def up(settings: Settings, port: int | None = None, data: str | None = None) -> int:
    """The warehouse, the sandbox (unless real sources are set) and `airflow standalone`
    in the foreground until Ctrl-C; prints where to look and how to log in.

    Everything `up` and its children write is owner-only (umask 077: the generated admin
    password file is 0600, Airflow's log folder 0700). `airflow standalone` runs in a
    process group of its own; Ctrl-C or SIGTERM stops that whole group (scheduler,
    API server, triggerer, DAG processor), SIGKILL for what is left after 30 s."""
    from eduwh import warehouse
    from eduwh.warehouse.dbt import dbt_environment

    port = port or settings.airflow_port
    if shutil.which("airflow") is None:
        raise OpsError("the `airflow` command is not on PATH (run through `uv run` or make up)")
    os.umask(0o077)  # this process and every child: secrets and logs owner-only
    _stderr(f"warehouse: {warehouse.ensure(settings)}")
    dbt = dbt_environment(settings)
    env = child_environment(dbt, up_environment(settings, port))
    protect_state(settings, env)
    with overlay(dbt), night_sources(settings, check_data_dir(settings, data)) as night:
        env.update(process_values((*SANDBOX_SETTINGS, *AGENCY_SETTINGS)))
        _stderr(night.description)
        import signal

        def _terminated(signum, frame):  # a service manager's stop: shut down in order
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, _terminated)
        process = subprocess.Popen(["airflow", "standalone"], env=env, start_new_session=True)
        try:
            _announce(settings, port, process)
            return _exit_status(process.wait())
        except KeyboardInterrupt:
            # Ctrl-C reaches only this process now (the group is not the terminal's)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                code = stop_process_group(process)
                # stopped as asked (standalone ends by the SIGTERM it was sent): success
                return 0 if code in (0, -signal.SIGTERM) else _exit_status(code)
            finally:
                signal.signal(signal.SIGINT, signal.default_int_handler)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
        finally:
            if _group_alive(process.pid):  # an error on the way, or orphans: leave nothing
                stop_process_group(process, timeout=10)


def _exit_status(code: int) -> int:
    """A child's return code as a shell exit status (killed by signal N: 128 + N)."""
    return 128 - code if code < 0 else code


def protect_state(settings: Settings, env: dict[str, str] | None = None) -> None:
    """Airflow's log folder 0700 and the admin password file 0600 (when it exists) —
    whatever an earlier start, under another umask, left."""
    env = env if env is not None else process_environment()
    logs = Path(env.get("AIRFLOW__LOGGING__BASE_LOG_FOLDER") or settings.airflow_home / "logs")
    logs.mkdir(mode=0o700, parents=True, exist_ok=True)
    logs.chmod(0o700)
    secret = password_file(settings)
    if secret.exists():
        secret.chmod(0o600)


def group_members(pgid: int) -> list[int]:
    """The live (not zombie) processes of process group `pgid` (Linux: from /proc)."""
    members = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # state, ppid, pgrp, ...
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a member we cannot signal is still a member
        return True
    if os.path.isdir("/proc"):  # zombies nobody reaped yet are no longer running
        return bool(group_members(pgid))
    return True


def stop_process_group(process: subprocess.Popen, timeout: float = 30.0) -> int:
    """SIGTERM to the process group led by `process` (started with
    `start_new_session=True`), wait up to `timeout` s for the leader and every other
    member, then SIGKILL the group. Returns the leader's exit code."""
    import signal

    pgid = process.pid  # the leader of its own session and group
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    code: int | None = None
    while time.monotonic() < deadline:
        code = process.poll()
        if code is not None and not _group_alive(pgid):
            return code
        time.sleep(0.1)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    code = process.wait()
    deadline = time.monotonic() + 5
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return code


def _announce(settings: Settings, port: int, process: subprocess.Popen) -> None:
    """Once the API server answers: the URLs, the login and the password file."""
    import urllib.request

    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(f"{base}/api/v2/monitor/health", timeout=2).close()
            break
        except OSError:
            time.sleep(1)
    else:
        return
    secret = password_file(settings)
    for _ in range(20):  # the API server writes it when it starts: owner-only, once there
        if secret.exists():
            secret.chmod(0o600)
            break
        time.sleep(0.25)
    lines = [
        "",
        "eduwh is up / eduwh đã chạy",
        f"  Airflow UI:      {base}/",
        f"  eduwh report:    {base}/eduwh/   (menu: Browse → eduwh report / Báo cáo)",
        "  login:           admin",
        f"  password file:   {secret}" + ("" if secret.exists() else " (written on first start)"),
        f"  AIRFLOW_HOME:    {settings.airflow_home}",
        "  stop:            Ctrl-C",
        "",
    ]
    _stderr("\n".join(lines))


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- eduwh agencies -----------------------------------------------------------------
def agencies_listing(settings: Settings) -> list[dict]:
    """The register (checked whole) and, per agency, the last successful batch of each
    of its sources (meta.batch: agency_code + source, status succeeded); a warehouse that
    cannot be read leaves the nights null (said once on stderr)."""
    from eduwh.agency import register_of

    register = register_of(settings)
    nights = _last_successes(settings)
    return [
        {
            "code": entry.code,
            "name": entry.agency.name,
            "province_code": entry.province_code,
            "moet_department_code": entry.agency.moet_department_code,
            "valid_from": entry.valid_from.isoformat() if entry.valid_from else None,
            "valid_to": entry.valid_to.isoformat() if entry.valid_to else None,
            "successor": entry.successor,
            "sources": {
                source: {"instance": prefix, "last_success": nights.get((entry.code, source))}
                for source, prefix in entry.sources.items()
            },
        }
        for entry in register
    ]


def _last_successes(settings: Settings) -> dict[tuple[str, str], str]:
    import psycopg

    from eduwh import warehouse

    try:
        with warehouse.connect(settings, role="eduwh_loader") as conn:
            rows = conn.execute(
                "select agency_code, source, max(finished_at) from meta.batch"
                " where status = 'succeeded' and agency_code is not null"
                " group by agency_code, source"
            ).fetchall()
    except (warehouse.WarehouseError, psycopg.errors.UndefinedTable) as error:
        print(f"eduwh: the nights are unknown: {str(error).splitlines()[0]}", file=sys.stderr)
        return {}
    return {(code, source): finished.isoformat() for code, source, finished in rows}


def agencies_table(listing: list[dict]) -> str:
    """The listing as a plain text table, one line per agency and source."""
    header = ("code", "name", "valid", "successor", "source", "instance", "last success")
    lines = [header]
    for agency in listing:
        valid = f"{agency['valid_from'] or '…'} – {agency['valid_to'] or '…'}"
        for source, state in agency["sources"].items():
            lines.append(
                (
                    agency["code"],
                    agency["name"] or "",
                    valid,
                    agency["successor"] or "",
                    source,
                    state["instance"],
                    state["last_success"] or "never",
                )
            )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )
