"""Test DAGs of the orchestration tests: a task that fails once, a task that always fails.

The flaky task fails on its first try and succeeds on the retry (state kept in a file
named by EDUWH_FLAKY_MARKER); the broken task fails every time, with the alert callback.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.sdk import dag, task

from eduwh.airflow.dags import alert_on_failure

START = pendulum.datetime(2019, 1, 1, tz="Asia/Ho_Chi_Minh")


@dag(dag_id="eduwh_test_flaky", schedule=None, start_date=START, catchup=False)
def flaky():
    @task(retries=1, retry_delay=timedelta(seconds=0))
    def fails_once() -> int:
        marker = Path(os.environ["EDUWH_FLAKY_MARKER"])
        tries = int(marker.read_text()) + 1 if marker.exists() else 1
        marker.write_text(str(tries))
        if tries == 1:
            raise ConnectionError("portal answered 503 on the first try\nsecond line")
        return tries

    fails_once()


@dag(dag_id="eduwh_test_broken", schedule=None, start_date=START, catchup=False)
def broken():
    @task(retries=0, on_failure_callback=alert_on_failure)
    def always_fails() -> None:
        raise ValueError("dossier page 3 is not JSON\nTraceback detail that must not be sent")

    always_fails()


flaky()
broken()
