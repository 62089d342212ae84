"""One night's sources, for every command that runs nights (`eduwh run`, `eduwh backfill`,
`eduwh up`): which systems answer, for which agency, and which source DAGs therefore run.

With real source settings (`*_BASE_URL`, `SIS_DROP_DIR`), the night runs the DAGs of
the systems that are set, for the configured agency. Otherwise the local sandbox serves
a data set (contracts/sandbox_dataset.md) and the night runs only the sources the data
set holds, for the agency its `dataset.json` names unless one is configured.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from eduwh.agency import Agency, night_agency, read_dataset_json
from eduwh.errors import UserError
from eduwh.settings import PROJECT_ROOT, Settings

# The source DAGs in nightly order, by the data set folder / setting that feeds each.
SOURCE_DAGS = {
    "motcua": "motcua_dossiers",
    "eoffice": "eoffice_documents",
    "csdl_moet": "moet_school_db",
    "sis": "sis_exports",
}
WAREHOUSE_DAG = "eduwh_warehouse"

# The settings the sandbox provides for the night (and takes back afterwards).
SANDBOX_SETTINGS = (
    "MOTCUA_BASE_URL",
    "MOTCUA_CLIENT_ID",
    "MOTCUA_CLIENT_SECRET",
    "EOFFICE_BASE_URL",
    "EOFFICE_CLIENT_ID",
    "EOFFICE_CLIENT_SECRET",
    "MOET_BASE_URL",
    "MOET_API_KEY",
    "SIS_DROP_DIR",
)
AGENCY_SETTINGS = ("EDUWH_AGENCY_CODE", "EDUWH_AGENCY_NAME", "EDUWH_MOET_DEPARTMENT_CODE")


@dataclass
class NightSources:
    agency: Agency
    dag_ids: list[str]
    description: str
    server: Any = None  # the SandboxServer, so a backfill can move its clock
    data_dir: Path | None = None


def check_data_dir(settings: Settings, data: str | Path | None) -> Path | None:
    """The data set folder of a sandbox night, checked before anything starts; None with
    real sources."""
    if settings.real_sources:
        if data:
            raise UserError("--data is for the sandbox; unset the *_BASE_URL / SIS_DROP_DIR")
        return None
    if data is None:
        return built_in_dataset(settings)
    return check_dataset_folder(Path(data))


def check_dataset_folder(data_dir: Path) -> Path:
    """A folder in the layout of contracts/sandbox_dataset.md, or a one-line error."""
    if not data_dir.is_dir():
        raise UserError(f"--data {data_dir}: no such folder")
    if (data_dir / "dataset.json").exists():
        read_dataset_json(data_dir)  # a malformed one is a one-line error here
    if not any((data_dir / folder).is_dir() for folder in SOURCE_DAGS):
        raise UserError(
            f"--data {data_dir} holds none of the source folders "
            f"{', '.join(f + '/' for f in SOURCE_DAGS)} (contracts/sandbox_dataset.md)"
        )
    return data_dir


def latest_as_of(data_dir: Path | None) -> date | None:
    """The last day a data set can answer for (its `as_of`), None when it does not say."""
    if data_dir is None or not (data_dir / "dataset.json").exists():
        return None
    as_of = read_dataset_json(data_dir).get("as_of")
    try:
        return date.fromisoformat(as_of) if as_of else None
    except (TypeError, ValueError):
        raise UserError(f"{data_dir}/dataset.json: as_of {as_of!r} is not YYYY-MM-DD") from None


@contextlib.contextmanager
def night_sources(
    settings: Settings,
    data_dir: Path | None,
    *,
    clock: datetime | None = None,
    faults: str = "none",
) -> Iterator[NightSources]:
    """The sources of the night, their settings in this process's environment (the tasks
    of `dag.test()` read them) while the block runs."""
    saved = {name: os.environ.get(name) for name in (*SANDBOX_SETTINGS, *AGENCY_SETTINGS)}
    night = None
    try:
        if data_dir is None:
            night = _real_sources(settings)
        else:
            night = _sandbox(settings, data_dir, clock, faults)
        os.environ.update(night.agency.environment())
        yield night
    finally:
        if night is not None and night.server is not None:
            night.server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _real_sources(settings: Settings) -> NightSources:
    configured = {
        "motcua": settings.motcua_base_url,
        "eoffice": settings.eoffice_base_url,
        "csdl_moet": settings.moet_base_url,
        "sis": settings.sis_drop_dir,
    }
    dag_ids = [dag for source, dag in SOURCE_DAGS.items() if configured[source]]
    return NightSources(settings.agency, dag_ids, "sources: the real systems of the settings")


def _sandbox(settings: Settings, data_dir: Path, clock, faults: str) -> NightSources:
    from eduwh.stand_ins import stand_ins

    SandboxServer = stand_ins().SandboxServer
    agency = night_agency(settings.configured_agency, data_dir)
    client_id, client_secret = "eduwh", secrets.token_urlsafe(16)  # a new secret each night
    try:
        server = SandboxServer(
            data_dir, clock=clock, faults=faults, client_id=client_id, client_secret=client_secret
        )
    except (ValueError, KeyError, TypeError, OSError) as error:  # the data set's, not ours
        raise UserError(f"the sandbox cannot serve {data_dir}: {error!r}") from None
    server.start()
    served = server.urls  # the HTTP systems the data set holds
    sis_dir = data_dir / "sis"
    env = {
        "MOTCUA_BASE_URL": served.get("motcua"),
        "EOFFICE_BASE_URL": served.get("eoffice"),
        "MOET_BASE_URL": served.get("moet"),
        "MOTCUA_CLIENT_ID": client_id,
        "MOTCUA_CLIENT_SECRET": client_secret,
        "EOFFICE_CLIENT_ID": client_id,
        "EOFFICE_CLIENT_SECRET": client_secret,
        "MOET_API_KEY": client_secret,
        "SIS_DROP_DIR": str(sis_dir) if sis_dir.is_dir() else None,
    }
    for name in SANDBOX_SETTINGS:
        os.environ.pop(name, None)
    os.environ.update({name: value for name, value in env.items() if value})
    present = {"motcua": "motcua", "eoffice": "eoffice", "csdl_moet": "moet"}
    dag_ids = [
        dag
        for source, dag in SOURCE_DAGS.items()
        if (source == "sis" and env["SIS_DROP_DIR"]) or present.get(source) in served
    ]
    sources = ", ".join(source for source, dag in SOURCE_DAGS.items() if dag in dag_ids)
    return NightSources(
        agency,
        dag_ids,
        f"sources: sandbox on {data_dir} ({sources}; agency {agency.code}; "
        f"clock {server.clock}, faults {faults})",
        server=server,
        data_dir=data_dir,
    )


def built_in_dataset(settings: Settings) -> Path:
    from eduwh.stand_ins import stand_ins

    sandbox = stand_ins()
    target = settings.home / "datasets" / sandbox.BUILT_IN["name"]
    if not (target / "expected.json").exists():
        print(f"generating the built-in data set {sandbox.BUILT_IN['name']} ...", file=sys.stderr)
        sandbox.generate_builtin(target)
    return target


@functools.cache
def _dag_bag():
    """The project's DAGs, parsed once per process (a night runs several of them)."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(str(PROJECT_ROOT / "dags"))
    if bag.import_errors:
        raise UserError(f"DAG files do not import: {bag.import_errors}")
    return bag


def dag(dag_id: str):
    """One of the project's DAGs, as parsed from dags/."""
    return _dag_bag().get_dag(dag_id)


def run_dag(dag_id: str, logical_date: datetime, conf: dict | None = None):
    """One DAG run through Airflow's own task runner (`dag.test()`), returned; a failed
    run is a one-line error naming the failed tasks. A local night fails fast: its tasks
    are not retried (dag.test() would sit out each retry delay); the scheduler's runs keep
    the DAG's retries."""
    night_dag = dag(dag_id)
    for task in night_dag.tasks:
        task.retries = 0
    run = night_dag.test(logical_date=logical_date, run_conf=conf)
    state = str(getattr(run.state, "value", run.state))
    if state != "success":
        failed = [ti.task_id for ti in run.get_task_instances() if ti.state == "failed"]
        raise UserError(
            f"{dag_id} night {logical_date.date()} ended {state}; failed tasks: "
            f"{', '.join(failed) or '-'}; the task logs are in "
            f"{os.environ.get('AIRFLOW__LOGGING__BASE_LOG_FOLDER', 'the Airflow log folder')}"
        )
    return run


def landed_summary(settings: Settings, run_id: str) -> str:
    """What a source DAG run landed, from the batch ledger (the loaders record the run)."""
    from eduwh import warehouse

    with warehouse.connect(settings, role="eduwh_loader") as conn:
        batches, landed, quarantined = conn.execute(
            "select count(*), coalesce(sum(rows_landed), 0), coalesce(sum(rows_quarantined), 0)"
            " from meta.batch where run_id = %s and status = 'succeeded'",
            (run_id,),
        ).fetchone()
    return f"{landed:,} rows landed, {quarantined:,} quarantined in {batches} batches"
