"""The warehouse: dbt builds each domain when its sources landed, then the figures.

Scheduled on the Assets the source DAGs publish. One Cosmos DbtTaskGroup per domain,
rendered from the manifest that `eduwh setup` parsed: no dbt call and no database
access while this file is parsed.
"""

from __future__ import annotations

from airflow.sdk import dag, task

from eduwh.orchestration import DEFAULT_ARGS, MOTCUA_CATALOGUE, MOTCUA_DOSSIERS, START_DATE
from eduwh.transform_groups import domain_task_group


@dag(
    dag_id="eduwh_warehouse",
    schedule=(MOTCUA_CATALOGUE | MOTCUA_DOSSIERS),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["eduwh", "warehouse"],
    doc_md=__doc__,
)
def eduwh_warehouse():
    dossiers = domain_task_group("dossiers")

    @task
    def figures() -> dict:
        """The figures of the as-of date the build was asked for (from the marts)."""
        from eduwh.report.figures import figures_for_build

        from eduwh.settings import Settings

        return figures_for_build(Settings.from_env())

    dossiers >> figures()


eduwh_warehouse()
