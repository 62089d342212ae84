"""One-stop portal: procedures and dossiers of the night into `raw` (no logic here)."""

from __future__ import annotations

from airflow.sdk import Param, dag, task

from eduwh.orchestration import (
    DEFAULT_ARGS,
    MOTCUA_CATALOGUE,
    MOTCUA_DOSSIERS,
    NIGHTLY,
    START_DATE,
    json_safe,
    night_end,
)


@dag(
    dag_id="motcua_dossiers",
    schedule=NIGHTLY,
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params={"full_refresh": Param(False, type="boolean", description="re-extract every window")},
    tags=["eduwh", "source", "motcua"],
    doc_md=__doc__,
)
def motcua_dossiers():
    @task(pool="motcua", outlets=[MOTCUA_CATALOGUE, MOTCUA_DOSSIERS])
    def extract_load(logical_date=None, params=None, run_id=None) -> dict:
        from eduwh.load.motcua import extract_load as run_night
        from eduwh.settings import Settings

        summary = run_night(
            Settings.from_env(),
            night_end(logical_date),
            full_refresh=bool(params["full_refresh"]),
            run_id=run_id,
        )
        return json_safe(summary)

    extract_load()


motcua_dossiers()
