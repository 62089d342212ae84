"""One-time, idempotent setup of the local stack: Airflow's metadata, the dbt manifest,
the dbt docs site.

Each step leaves a stamp in the state folder; a second call skips what is done. The
dbt manifest is rebuilt whenever a file of the dbt project changed, so that Cosmos
always renders the DAGs from the current project without calling dbt while parsing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from eduwh.config import (
    PROJECT_ROOT,
    Settings,
    airflow_environment,
    child_environment,
    environment_command,
)
from eduwh.warehouse.dbt import project_hash
from eduwh.warehouse.docs import docs_site

DBT_PROJECT = PROJECT_ROOT / "dbt_project"


def setup(settings: Settings, force: bool = False) -> None:
    stamps = settings.home / "setup"
    stamps.mkdir(parents=True, exist_ok=True)
    # Airflow's stamp lives in its own home: a removed or new AIRFLOW_HOME is migrated again.
    settings.airflow_home.mkdir(parents=True, exist_ok=True)
    _step(
        settings.airflow_home / f".eduwh-setup-airflow-db-{_airflow_version()}",
        force,
        "Airflow metadata database",
        lambda: _migrate_airflow(settings),
    )
    _step(
        stamps / f"dbt-manifest-{project_hash()}",
        force or not (settings.home / "dbt" / "target" / "manifest.json").exists(),
        "dbt manifest",
        lambda: _parse_dbt(settings),
    )
    _step(
        stamps / f"dbt-docs-{project_hash()}",
        force or not (docs_site(settings) / "index.html").exists(),
        "dbt docs site",
        lambda: _generate_docs(settings),
    )


def _step(stamp: Path, force: bool, name: str, action) -> None:
    if stamp.exists() and not force:
        print(f"setup: {name}: up to date", file=sys.stderr)
        return
    print(f"setup: {name} ...", file=sys.stderr, flush=True)
    action()
    for old in stamp.parent.glob(stamp.name.rsplit("-", 1)[0] + "-*"):
        old.unlink()
    stamp.touch()
    print(f"setup: {name}: done", file=sys.stderr)


def _migrate_airflow(settings: Settings) -> None:
    """Migrate Airflow's metadata and create one pool per source system."""
    from eduwh.airflow.dags import POOLS

    settings.airflow_home.mkdir(parents=True, exist_ok=True)
    pools = settings.airflow_home / "pools.json"
    pools.write_text(
        json.dumps(
            {
                name: {"slots": slots, "description": description, "include_deferred": False}
                for name, (slots, description) in POOLS.items()
            }
        )
    )
    _airflow(settings, "db", "migrate")
    _airflow(settings, "pools", "import", str(pools))


def _airflow(settings: Settings, *args: str) -> None:
    env = child_environment(airflow_environment(settings))
    airflow = environment_command("airflow")
    result = subprocess.run([airflow, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"airflow {' '.join(args)} failed:\n{result.stderr[-3000:]}")


def _parse_dbt(settings: Settings) -> None:
    if not (DBT_PROJECT / "dbt_project.yml").exists():
        print("setup: no dbt project yet, skipping the manifest", file=sys.stderr)
        return
    from eduwh.warehouse.dbt import parse_manifest

    parse_manifest(settings)


def _generate_docs(settings: Settings) -> None:
    """The docs site (eduwh.warehouse.docs), its catalog from the warehouse when it is up; the
    warehouse DAG generates it again after each night's build."""
    if not (DBT_PROJECT / "dbt_project.yml").exists():
        return
    from eduwh.warehouse.docs import generate_docs

    generate_docs(settings)


def _airflow_version() -> str:
    from importlib.metadata import version

    return version("apache-airflow")
