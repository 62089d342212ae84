"""The one list of the environment of the CeleryExecutor stack.

`cluster.env` (beside docker-compose.yml) holds what is the same everywhere; the compose
file passes it to every Airflow container (`env_file`) and `eduwh cluster up` reads it.
PLACED names what each place sets itself because it names a host, a path or a secret:
the compose file in its `environment:` block, the local cluster in `cluster_environment`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from eduwh.config import PROJECT_ROOT, Settings, airflow_environment, process_environment

SHARED_FILE = PROJECT_ROOT / "cluster.env"

PLACED = (
    "AIRFLOW_HOME",
    "AIRFLOW__CORE__DAGS_FOLDER",
    "AIRFLOW__CORE__PLUGINS_FOLDER",
    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
    "AIRFLOW__API__HOST",
    "AIRFLOW__API__PORT",
    "AIRFLOW__API__BASE_URL",
    "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC",
    "AIRFLOW__CELERY__BROKER_URL",
    "AIRFLOW__CELERY__RESULT_BACKEND",
    "AIRFLOW__API_AUTH__JWT_SECRET",
    "AIRFLOW__LOGGING__BASE_LOG_FOLDER",
    "AIRFLOW__COSMOS__CACHE_DIR",
    "DBT_PROFILES_DIR",
    "EDUWH_HOME",
)

METADATA_DATABASE = "airflow"
METADATA_ROLE = "eduwh_airflow"


def shared_settings(path: Path = SHARED_FILE) -> dict[str, str]:
    """`cluster.env` as a dict (KEY=VALUE lines; blank lines and # comments skipped)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


@dataclass(frozen=True)
class Ports:
    api: int
    redis: int


def cluster_folder(settings: Settings) -> Path:
    """The local cluster's state: its Airflow home, service logs, PIDs."""
    return settings.home / "cluster"


def placed_environment(settings: Settings, ports: Ports, metadata_dsn: str, jwt: str) -> dict:
    """The PLACED settings of the local cluster: everything on 127.0.0.1, state under
    EDUWH_HOME/cluster, Airflow's metadata in its own database of the warehouse server."""
    airflow_home = cluster_folder(settings) / "airflow"
    local = airflow_environment(settings)  # the paths `eduwh run` uses, for the same DAGs
    redis = f"redis://127.0.0.1:{ports.redis}/0"
    placed = {
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": local["AIRFLOW__CORE__DAGS_FOLDER"],
        "AIRFLOW__CORE__PLUGINS_FOLDER": local["AIRFLOW__CORE__PLUGINS_FOLDER"],
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{ports.api}/execution/",
        "AIRFLOW__API__HOST": "127.0.0.1",  # this machine only
        "AIRFLOW__API__PORT": str(ports.api),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{ports.api}",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(airflow_home / "passwords.json"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_dsn.replace(
            "postgresql://", "postgresql+psycopg2://", 1
        ),
        # the API server's async engine: psycopg 3 (locked), not asyncpg (absent)
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": metadata_dsn.replace(
            "postgresql://", "postgresql+psycopg://", 1
        ),
        "AIRFLOW__CELERY__BROKER_URL": redis,
        # task states in Redis too: the broker already there, no load on the metadata
        "AIRFLOW__CELERY__RESULT_BACKEND": f"redis://127.0.0.1:{ports.redis}/1",
        "AIRFLOW__API_AUTH__JWT_SECRET": jwt,
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(airflow_home / "logs"),
        "AIRFLOW__COSMOS__CACHE_DIR": local["AIRFLOW__COSMOS__CACHE_DIR"],
        "DBT_PROFILES_DIR": local["DBT_PROFILES_DIR"],
        "EDUWH_HOME": str(settings.home),
    }
    assert set(placed) == set(PLACED), "PLACED and the local cluster disagree"
    return placed


def cluster_environment(
    settings: Settings, ports: Ports, metadata_dsn: str, jwt: str
) -> dict[str, str]:
    """The environment of every process of the local cluster: this process's (the
    operator's own AIRFLOW__* overrides included), `cluster.env` where the operator set
    nothing, then the PLACED settings, always ours. The SQLite metadata and paths of the
    single-process runs (airflow_environment) never leak in."""
    single_process = airflow_environment(settings)
    inherited = {
        name: value
        for name, value in process_environment().items()
        if single_process.get(name) != value  # a value `eduwh` itself put there
    }
    shared = {name: value for name, value in shared_settings().items() if name not in inherited}
    return {**inherited, **shared, **placed_environment(settings, ports, metadata_dsn, jwt)}


def with_database(dsn: str, database: str, user: str, password: str) -> str:
    """`dsn` (the warehouse server's) for another database and login."""
    parts = urlsplit(dsn)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, f"/{database}", "", ""))
