"""The local cluster and docker-compose.yml read one list of the environment: the
shared settings of cluster.env (compose's env_file) and the PLACED names, which both
set, each for its own place."""

from __future__ import annotations

import yaml

from eduwh.cluster.environment import (
    PLACED,
    Ports,
    cluster_environment,
    placed_environment,
    shared_settings,
)
from eduwh.config import PROJECT_ROOT, Settings

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
AIRFLOW_SERVICES = [
    name for name, spec in COMPOSE["services"].items() if "apache/airflow" in spec["image"]
]


def _local(settings: Settings) -> dict[str, str]:
    return cluster_environment(
        settings, Ports(api=18080, redis=16380), "postgresql://a:b@h/airflow", "jwt"
    )


def test_compose_reads_cluster_env_and_sets_exactly_the_placed_names():
    for name in AIRFLOW_SERVICES:
        service = COMPOSE["services"][name]
        assert "cluster.env" in service["env_file"], name
        environment = service["environment"]
        assert set(PLACED) <= set(environment), (name, set(PLACED) - set(environment))
        # what cluster.env says is said once: compose does not override it
        assert not set(shared_settings()) & set(environment), name


def test_the_local_cluster_sets_the_same_names_from_the_same_file():
    settings = Settings.from_env()
    local = _local(settings)
    placed = placed_environment(settings, Ports(api=18080, redis=16380), "postgresql://x", "j")
    assert set(placed) == set(PLACED)
    for name, value in shared_settings().items():
        assert local[name] == value, name
    assert local["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert local["AIRFLOW__API__HOST"] == "127.0.0.1"
    assert local["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
    assert local["AIRFLOW__CELERY__BROKER_URL"] == "redis://127.0.0.1:16380/0"


def test_an_operators_own_airflow_setting_wins_over_cluster_env(monkeypatch):
    monkeypatch.setenv("AIRFLOW__CELERY__WORKER_CONCURRENCY", "1")
    assert _local(Settings.from_env())["AIRFLOW__CELERY__WORKER_CONCURRENCY"] == "1"
