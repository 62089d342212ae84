"""e-Office: incoming and outgoing documents of the night and their edXML headers into `raw`."""

from __future__ import annotations

from airflow.sdk import Param, dag, task

from eduwh.orchestration import (
    DEFAULT_ARGS,
    EOFFICE_DOCUMENTS,
    EOFFICE_EDXML_HEADERS,
    NIGHTLY,
    START_DATE,
    json_safe,
    night_end,
)


@dag(
    dag_id="eoffice_documents",
    schedule=NIGHTLY,
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params={"full_refresh": Param(False, type="boolean", description="re-extract every window")},
    tags=["eduwh", "source", "eoffice"],
    doc_md=__doc__,
)
def eoffice_documents():
    @task(pool="eoffice", outlets=[EOFFICE_DOCUMENTS, EOFFICE_EDXML_HEADERS])
    def extract_load(logical_date=None, params=None, run_id=None) -> dict:
        from eduwh.load.eoffice import extract_load as run_night
        from eduwh.settings import Settings

        summary = run_night(
            Settings.from_env(),
            night_end(logical_date),
            full_refresh=bool(params["full_refresh"]),
            run_id=run_id,
        )
        return json_safe(summary)

    extract_load()


eoffice_documents()
