"""docker-compose.yml describes the production-shaped stack of DESIGN.md.

Docker cannot run here, so the file is read and checked: services, images, mounts,
settings taken from .env (no secret written in the file).
"""

from __future__ import annotations

import re

import yaml

from eduwh.cluster.environment import shared_settings
from eduwh.config import PROJECT_ROOT

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
AIRFLOW_ROLES = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
    "airflow-worker": "celery worker",
}


def test_airflow_runs_on_the_official_image_with_celery():
    for service, command in AIRFLOW_ROLES.items():
        spec = SERVICES[service]
        assert re.search(r"apache/airflow:3\.", spec["image"]), service
        assert spec["command"] == command
        # cluster.env (env_file, shared with `eduwh cluster`) under the service's own
        environment = {**shared_settings(), **spec["environment"]}
        assert "cluster.env" in spec["env_file"]
        assert environment["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert "redis://" in environment["AIRFLOW__CELERY__BROKER_URL"]


def test_project_folders_are_mounted_into_airflow():
    mounts = {volume.split(":")[1] for volume in SERVICES["airflow-worker"]["volumes"]}
    assert {
        "/opt/airflow/dags",
        "/opt/airflow/include/eduwh",
        "/opt/airflow/include/report_templates",
        "/opt/airflow/plugins",
        "/opt/airflow/dbt_project",
    } <= mounts
    # The stand-ins and generators are not shipped to the workers (issue 12).
    assert not any("eduwh_sandbox" in volume for volume in SERVICES["airflow-worker"]["volumes"])
    assert "/opt/airflow/include" not in mounts


def test_databases_redis_and_bi_are_there():
    assert SERVICES["airflow-db"]["image"].startswith("postgres:")
    assert SERVICES["warehouse"]["image"].startswith("postgres:")
    assert SERVICES["redis"]["image"].startswith("redis:")
    assert SERVICES["metabase"]["image"].startswith("metabase/")
    assert SERVICES["metabase"]["environment"]["EDUWH_READER_USER"] == "eduwh_reader"


def test_secrets_come_from_env_example_not_from_the_file():
    text = (PROJECT_ROOT / "docker-compose.yml").read_text()
    example = (PROJECT_ROOT / ".env.example").read_text()
    referenced = set(re.findall(r"\$\{([A-Z_]+)", text))
    defined = set(re.findall(r"^([A-Z_]+)=", example, re.M))
    assert referenced - {"AIRFLOW_IMAGE"} <= defined
    assert not re.search(r"PASSWORD:\s*[^$\s{]", text), "a password is written in the file"
