"""`python -m eduwh.cluster.airflow_cli ARGS`: Airflow's CLI for the cluster's services.

Why not the `airflow` command itself: the locked Celery provider (3.17.0) predates the
locked Airflow 3.3 and Celery 5.7, and fails to import (CeleryExecutor, `airflow celery
worker`) on two names they no longer have:
- `celery.backends.database.retry`, a decorator Celery 5.7 removed (its database
  backend now retries by itself, `_ensure_retryable`): put back as a pass-through;
- `airflow.executors.workloads.callback.execute_callback_workload`, gone in Airflow
  3.3 (provider 3.19 gates it): put back as a refusal, for executor callbacks (deadline
  alerts), which no eduwh DAG has.
Until the lock holds a provider for Airflow 3.3 (>= 3.19), the names are provided
before Airflow starts. Remove this module then.
"""

from __future__ import annotations

import sys


def _provide_celery_database_retry() -> None:
    import celery.backends.database as database

    if not hasattr(database, "retry"):

        def retry(function):  # Celery >= 5.7: the backend's own retry policy applies
            return function

        database.retry = retry

    import airflow.executors.workloads.callback as callback

    if not hasattr(callback, "execute_callback_workload"):

        def execute_callback_workload(callback_dto, log):
            return False, "executor callbacks need apache-airflow-providers-celery >= 3.19"

        callback.execute_callback_workload = execute_callback_workload


if __name__ == "__main__":
    _provide_celery_database_retry()
    from airflow.__main__ import main

    sys.exit(main())
