"""SMAS / vnEdu: the night's deliveries in the drop folder into `raw` (no logic here).

Lands every delivery not landed yet whose stamp is before the end of the night.
"""

from __future__ import annotations

from airflow.sdk import dag, task

from eduwh import orchestration
from eduwh.orchestration import DEFAULT_ARGS, NIGHTLY, SIS_DELIVERIES, START_DATE


@dag(
    dag_id="sis_exports",
    schedule=NIGHTLY,
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["eduwh", "source", "sis"],
    doc_md=__doc__,
)
def sis_exports():
    @task(pool="sis", outlets=[SIS_DELIVERIES])
    def load(logical_date=None, run_id=None) -> dict:
        from eduwh.load.schools import load_sis
        from eduwh.settings import Settings

        until = orchestration.night_end(logical_date)
        summary = load_sis(Settings.from_env(), until=until, run_id=run_id)
        summary.pop("loaded", None)
        return summary

    load()


sis_exports()
