"""Orchestration overhead: each DAG of a night against the work it orchestrates, in one run.

The built-in 2019 data set, two fresh embedded warehouses on free ports:
- Airflow: ``eduwh run --as-of 2019-12-06 --data DIR`` in a subprocess; its step lines
  (``[  23.7s] motcua_dossiers: ... (12.3s)``) give each DAG's seconds.
- plain, in this process, against the same sandbox: what each DAG's tasks call — the
  loaders' own functions (eduwh.land.*), then the warehouse DAG's work without Airflow:
  the landing tables, one ``dbt build`` with the same vars and threads, the checkpoint,
  the report, the docs site. The dbt build alone is reported too.

The ratio of a DAG is its Airflow seconds over its plain seconds (issue 11's target:
at most 1.5). Prints one JSON object last.

    uv run python bench/orchestration/run.py
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import free_port  # noqa: E402

AS_OF = date(2019, 12, 6)
STEP = re.compile(r"^\[\s*[\d.]+s\] (?P<name>[a-z_]+): .*\((?P<seconds>[\d.]+)s\)$")
DAGS = ("motcua_dossiers", "eoffice_documents", "moet_school_db", "sis_exports", "eduwh_warehouse")


def airflow_night(data: Path, home: Path) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "WAREHOUSE_DSN"}
    env.update(EDUWH_HOME=str(home), EDUWH_PG_PORT=str(free_port()))
    command = [sys.executable, "-m", "eduwh.cli"]
    try:
        done = subprocess.run(
            [*command, "run", "--as-of", AS_OF.isoformat(), "--data", str(data)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        subprocess.run([*command, "warehouse", "stop"], env=env, capture_output=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"eduwh run failed:\n{done.stderr[-3000:]}")
    steps = {}
    for line in done.stderr.splitlines():
        match = STEP.match(line.strip())
        if match:
            steps[match["name"]] = float(match["seconds"])
    return steps


def plain_night(data: Path, home: Path) -> dict[str, float]:
    """What the DAGs' tasks call, without Airflow, timed one by one."""
    os.environ.pop("WAREHOUSE_DSN", None)
    os.environ.update(EDUWH_HOME=str(home), EDUWH_PG_PORT=str(free_port()))
    from eduwh import warehouse
    from eduwh.airflow.dbt_groups import dbt_threads
    from eduwh.cli.setup import setup
    from eduwh.config import Settings
    from eduwh.land import ensure_landing_tables
    from eduwh.land.eoffice import extract_load as land_eoffice
    from eduwh.land.motcua import extract_load as land_motcua
    from eduwh.land.schools import extract_load_moet, load_sis
    from eduwh.quality import run_checkpoint
    from eduwh.report.publish import publish_latest
    from eduwh.warehouse.dbt import run_dbt
    from eduwh.warehouse.docs import generate_docs
    from eduwh_sandbox.server import SandboxServer

    meta = json.loads((data / "dataset.json").read_text("utf-8"))["agency"]
    night_end = datetime.combine(AS_OF + timedelta(days=1), datetime.min.time())
    clock = night_end - timedelta(seconds=1)
    seconds: dict[str, float] = {}
    settings = Settings.from_env()
    warehouse.ensure(settings)
    setup(settings)
    try:
        with SandboxServer(data, clock=clock, client_secret="bench-secret") as server:
            settings = _sources(settings, server, meta, data)
            seconds["motcua_dossiers"] = _timed(land_motcua, settings, night_end)
            seconds["eoffice_documents"] = _timed(land_eoffice, settings, night_end)
            seconds["moet_school_db"] = _timed(
                extract_load_moet, settings, school_year=f"{AS_OF.year}-{AS_OF.year + 1}"
            )
            seconds["sis_exports"] = _timed(load_sis, settings, until=night_end)
        night = {"report_night": f"{night_end.date()}T01:00:00+07:00"}
        started = time.perf_counter()
        ensure_landing_tables(settings)
        build = ["build", "--threads", str(dbt_threads()), "--vars", json.dumps(night)]
        seconds["dbt_build"] = _timed(run_dbt, settings, build)
        outcome = run_checkpoint(settings)
        if not outcome.success:
            raise SystemExit(f"checkpoint failed: {outcome.failed}")
        publish_latest(settings, AS_OF)
        generate_docs(settings, with_catalog=True)
        seconds["eduwh_warehouse"] = round(time.perf_counter() - started, 1)
    finally:
        warehouse.stop(settings)
    return seconds


def _sources(settings, server, meta: dict, data: Path):
    import dataclasses

    urls = server.urls
    return dataclasses.replace(
        settings,
        agency_code=meta["code"],
        agency_name=meta.get("name"),
        moet_department_code=meta.get("moet_department_code"),
        motcua_base_url=urls["motcua"],
        motcua_client_secret="bench-secret",
        eoffice_base_url=urls["eoffice"],
        eoffice_client_secret="bench-secret",
        moet_base_url=urls["moet"],
        moet_api_key="bench-secret",
        sis_drop_dir=str(data / "sis"),
    )


def _timed(function, *args, **kwargs) -> float:
    started = time.perf_counter()
    function(*args, **kwargs)
    return round(time.perf_counter() - started, 1)


def main() -> None:
    from eduwh_sandbox.cli import generate_builtin

    work = Path(tempfile.mkdtemp(prefix="eduwh-bench-orchestration-"))
    os.chmod(work, 0o755)
    try:
        data = work / "data"
        generate_builtin(data)
        (work / "airflow").mkdir()
        (work / "plain").mkdir()
        airflow = airflow_night(data, work / "airflow")
        print(f"airflow: {airflow}", flush=True)
        plain = plain_night(data, work / "plain")
        print(f"plain: {plain}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ratios = {dag: round(airflow[dag] / plain[dag], 2) for dag in DAGS if plain.get(dag)}
    print(
        json.dumps(
            {
                "bench": "orchestration",
                "as_of": AS_OF.isoformat(),
                "airflow_seconds": {dag: airflow.get(dag) for dag in DAGS},
                "plain_seconds": {dag: plain.get(dag) for dag in DAGS},
                "plain_dbt_build_seconds": plain["dbt_build"],
                "ratio_airflow_over_plain": ratios,
                "ratio_warehouse_dag_over_dbt_build": round(
                    airflow["eduwh_warehouse"] / plain["dbt_build"], 2
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
