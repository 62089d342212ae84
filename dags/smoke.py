"""Smoke DAG: proves the local Airflow can reach the warehouse. No logic here."""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task


@dag(
    dag_id="eduwh_smoke",
    schedule=None,
    start_date=pendulum.datetime(2019, 1, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    tags=["eduwh", "smoke"],
)
def eduwh_smoke():
    @task
    def warehouse_answers() -> str:
        from eduwh.config import Settings
        from eduwh.warehouse import connect

        with connect(Settings.from_env(), role="eduwh_loader") as conn:
            return conn.execute("select version()").fetchone()[0]

    warehouse_answers()


eduwh_smoke()
