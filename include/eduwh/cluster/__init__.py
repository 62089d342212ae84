"""The production stack on this machine: Airflow's CeleryExecutor with real workers.

`eduwh cluster up|status|down` (services.py) runs Redis, the api-server, scheduler,
dag-processor, triggerer and N Celery workers on 127.0.0.1, Airflow's metadata in its
own database of the warehouse server; environment.py is the one list of settings the
local cluster and docker-compose.yml share; night.py is `eduwh run --executor celery`.
"""
