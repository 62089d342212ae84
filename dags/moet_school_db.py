"""csdl.moet: the province's school, class, pupil and staff exports into `raw` (no logic here).

Lists the exports of the school year and lands only the files whose sha256 changed.
"""

from __future__ import annotations

from airflow.sdk import Param, dag, task

from eduwh import orchestration
from eduwh.orchestration import CSDL_MOET_EXPORTS, DEFAULT_ARGS, NIGHTLY, START_DATE


@dag(
    dag_id="moet_school_db",
    schedule=NIGHTLY,
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params={
        "school_year": Param(
            None,
            type=["null", "string"],
            description="YYYY-YYYY; default: the school year of the run",
        )
    },
    tags=["eduwh", "source", "csdl_moet"],
    doc_md=__doc__,
)
def moet_school_db():
    @task(pool="csdl_moet", outlets=[CSDL_MOET_EXPORTS])
    def extract_load(logical_date=None, params=None, run_id=None) -> dict:
        from eduwh.load.schools import extract_load_moet
        from eduwh.school_year import school_year_of
        from eduwh.settings import Settings

        year = params.get("school_year") or school_year_of(orchestration.night_as_of(logical_date))
        summary = extract_load_moet(Settings.from_env(), school_year=year, run_id=run_id)
        summary.pop("loaded", None)  # the file names: counts are enough in XCom
        return summary

    extract_load()


moet_school_db()
