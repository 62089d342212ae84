"""The warehouse: one dbt build when a source landed, the checks, the report, the docs site.

Scheduled on the Assets the source DAGs publish. One Cosmos DbtTaskGroup (one `dbt
build`, a task per node), rendered from the manifest that `eduwh setup` parsed: no dbt
call and no database access while this file is parsed. A failed checkpoint fails the
run and leaves the last published report in place.
"""

from __future__ import annotations

from airflow.sdk import dag, get_parsing_context, task

from eduwh.airflow.dags import ANY_SOURCE_LANDED, DEFAULT_ARGS, START_DATE, run_moment
from eduwh.airflow.dbt_groups import dbt_build_group


@dag(
    dag_id="eduwh_warehouse",
    schedule=ANY_SOURCE_LANDED,
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    user_defined_macros={"run_moment": run_moment},  # the dbt build's night (report_night)
    tags=["eduwh", "warehouse"],
    doc_md=__doc__,
)
def eduwh_warehouse():
    @task
    def landing_tables(dag_run=None, triggering_asset_events=None) -> int:
        """Every source's raw tables exist, so a source that never ran builds empty; the
        build begins (eduwh.warehouse.builds: what it is made of, for a later night)."""
        from eduwh.airflow.dags import night_as_of
        from eduwh.config import Settings
        from eduwh.land import ensure_landing_tables
        from eduwh.warehouse import builds

        settings = Settings.from_env()
        ensure_landing_tables(settings)
        night = night_as_of(run_moment(dag_run, triggering_asset_events))
        return builds.begin(settings, dag_run.run_id, night)

    build = dbt_build_group()

    @task(retries=0)
    def checkpoint() -> dict:
        """The Great Expectations checkpoint over the build; fails the run when it fails."""
        from eduwh.config import Settings
        from eduwh.quality import run_checkpoint

        outcome = run_checkpoint(Settings.from_env())
        if not outcome.success:
            raise RuntimeError(f"checkpoint {outcome.run_id} failed: {'; '.join(outcome.failed)}")
        return {"run_id": outcome.run_id, "warnings": outcome.warnings}

    @task
    def publish_report(dag_run=None, triggering_asset_events=None) -> str:
        """JSON, DOCX and HTML of the night's as-of date, swapped in atomically; the build
        recorded as succeeded."""
        from eduwh.airflow.dags import night_as_of
        from eduwh.config import Settings
        from eduwh.report.publish import publish_latest
        from eduwh.warehouse import builds

        settings = Settings.from_env()
        night = night_as_of(run_moment(dag_run, triggering_asset_events))
        published = publish_latest(settings, night)
        builds.succeed(settings, dag_run.run_id, published)
        return str(published)

    @task
    def docs_site() -> str:
        """The dbt docs site again, its catalog from this build (eduwh.warehouse.docs)."""
        from eduwh.config import Settings
        from eduwh.warehouse.docs import generate_docs

        return str(generate_docs(Settings.from_env(), with_catalog=True))

    landing_tables() >> build >> checkpoint() >> publish_report() >> docs_site()


# Parsed for another DAG's run (Airflow's parsing context: its task runner, and
# eduwh.cli.night's dag.test() of a source DAG), this file renders no dbt group.
if get_parsing_context().dag_id in (None, "eduwh_warehouse"):
    eduwh_warehouse()
