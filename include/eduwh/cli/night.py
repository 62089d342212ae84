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
import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from eduwh.agency import (
    REQUIRED_SUFFIX,
    SOURCE_KEYS,
    Agency,
    Registered,
    check_instances,
    night_agency,
    read_dataset_json,
    read_register,
)
from eduwh.config import PROJECT_ROOT, Overlay, Settings, overlay, process_value
from eduwh.errors import UserError

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
REGISTER_FILE = "agencies.yml"  # a data set of several agencies (contracts/sandbox_dataset.md)
REGISTER_SETTING = "EDUWH_AGENCIES_FILE"


@dataclass
class NightSources:
    agency: Agency
    dag_ids: list[str]
    description: str
    server: Any = None  # the SandboxServer, so a backfill can move its clock
    data_dir: Path | None = None
    register: list[Registered] | None = None  # None: the one agency, no register file


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


def check_register(settings: Settings, data_dir: Path | None) -> None:
    """The register of `EDUWH_AGENCIES_FILE`, checked at start-up (before anything
    starts); with real sources its instances must be configured now, a sandbox night
    checks them once the sandbox gave its settings."""
    if settings.agencies_file is None:
        return
    register = read_register(settings.agencies_file)
    if data_dir is None:
        check_instances(register, settings.instance_settings)


def check_dataset_folder(data_dir: Path) -> Path:
    """A folder in the layout of contracts/sandbox_dataset.md, or a one-line error."""
    if not data_dir.is_dir():
        raise UserError(f"--data {data_dir}: no such folder")
    if (data_dir / REGISTER_FILE).exists():  # several agencies, a data set each
        read_register(data_dir / REGISTER_FILE)  # a bad register is a one-line error here
        return data_dir
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
    if data_dir is not None and (data_dir / REGISTER_FILE).exists():
        days = [latest_as_of(folder) for folder in sorted(data_dir.iterdir()) if folder.is_dir()]
        return max((day for day in days if day), default=None)
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
    faults: str | dict[str, str] = "none",
) -> Iterator[NightSources]:
    """The sources of the night, their settings in this process's environment (the tasks
    of `dag.test()` read them) while the block runs (config.overlay: every setting the
    night set, the several-agencies sandbox's instances included, is restored after it).
    A register (`EDUWH_AGENCIES_FILE`, or a data set of several agencies) is checked
    whole, its instances configured."""
    with overlay() as env:
        night = None
        try:
            if data_dir is not None and (data_dir / REGISTER_FILE).exists():
                night = _agency_sandbox(settings, data_dir, clock, faults, env)
            elif settings.agencies_file is not None:
                night = _registered_sources(settings, data_dir, clock, faults, env)
            elif data_dir is None:
                night = _real_sources(settings)
            else:
                night = _sandbox(settings, data_dir, clock, faults, env)
            # the agency the night reports for (with a register: the one no other
            # succeeds; the loaders take their agencies from the register)
            env.update(night.agency.environment())
            yield night
        finally:
            if night is not None and night.server is not None:
                _close(night.server)


def _real_sources(settings: Settings) -> NightSources:
    configured = {
        "motcua": settings.motcua_base_url,
        "eoffice": settings.eoffice_base_url,
        "csdl_moet": settings.moet_base_url,
        "sis": settings.sis_drop_dir,
    }
    dag_ids = [dag for source, dag in SOURCE_DAGS.items() if configured[source]]
    return NightSources(settings.agency, dag_ids, "sources: the real systems of the settings")


def _registered_sources(settings: Settings, data_dir, clock, faults, env: Overlay) -> NightSources:
    """A register file with the real instances it names (or one sandbox data set: its
    sources stand in for the default prefixes)."""
    register = read_register(settings.agencies_file)
    night = (
        _real_sources(settings)
        if data_dir is None
        else _sandbox(settings, data_dir, clock, faults, env)
    )
    check_instances(register, Settings.from_env().instance_settings)
    return _with_register(night, register)


def _agency_sandbox(
    settings: Settings, data_dir: Path, clock, faults, env: Overlay
) -> NightSources:
    """A data set of several agencies: every instance its register names, served at once
    by the sandbox (stand_ins().AgencySandbox), their settings in the environment."""
    from eduwh.cli.stand_ins import stand_ins

    register_path = settings.agencies_file or data_dir / REGISTER_FILE
    register = read_register(register_path)
    AgencySandbox = getattr(stand_ins(), "AgencySandbox", None)
    if AgencySandbox is None:
        raise UserError("the installed sandbox cannot serve a data set of several agencies")
    try:
        sandbox = AgencySandbox(
            data_dir, clock=clock, faults=faults, client_secret=secrets.token_urlsafe(16)
        )
    except (ValueError, KeyError, TypeError, OSError) as error:  # the data set's, not ours
        raise UserError(f"the sandbox cannot serve {data_dir}: {error!r}") from None
    sandbox.start()
    env.update({**dict.fromkeys(SANDBOX_SETTINGS), **sandbox.settings})
    try:
        served_path = _served_register(settings, register_path, sandbox.settings)
        register = read_register(served_path)
        check_instances(register, Settings.from_env().instance_settings)
    except UserError:
        _close(sandbox)
        raise
    env.update({REGISTER_SETTING: str(served_path)})
    night = NightSources(
        _reporting_agency(register),
        [],
        f"sources: sandbox on {data_dir} ({sandbox.describe()}; faults {faults})",
        server=sandbox,
        data_dir=data_dir,
    )
    return _with_register(night, register)


def _close(server) -> None:
    """Stop a stand-in; an AgencySandbox also removes the folders it served from."""
    getattr(server, "close", server.stop)()


def _served_register(settings: Settings, register_path: Path, served: dict[str, str]) -> Path:
    """The register as the sandbox serves it: a data set may leave a source folder out
    (contracts/sandbox_dataset.md), and the night then runs only the sources it holds, so
    an instance the sandbox does not serve is left out of the night's copy of the
    register (written beside the night's state; the data set's own file is not touched).
    A real night keeps the whole register: there an instance left unconfigured is an
    error (check_instances)."""
    import yaml

    entries = yaml.safe_load(register_path.read_text("utf-8"))
    for entry in entries:
        entry["sources"] = {
            source: prefix
            for source, prefix in (entry.get("sources") or {}).items()
            if served.get(f"{prefix}{REQUIRED_SUFFIX.get(source, '')}")
        }
        if not entry["sources"]:
            raise UserError(
                f"{register_path}: the data set holds no source of agency {entry.get('code')}"
            )
    path = settings.home / "sandbox" / REGISTER_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _with_register(night: NightSources, register: list[Registered]) -> NightSources:
    """The night runs the source DAGs of every source the register names."""
    named = {source for entry in register for source in entry.sources}
    night.dag_ids = [SOURCE_DAGS[source] for source in SOURCE_KEYS if source in named]
    night.register = register
    night.agency = _reporting_agency(register)
    return night


def _reporting_agency(register: list[Registered]) -> Agency:
    """The agency the night stands for (the one no other succeeds, else the first)."""
    heads = [entry for entry in register if entry.successor is None]
    return (heads or register)[0].agency


def _sandbox(settings: Settings, data_dir: Path, clock, faults: str, env: Overlay) -> NightSources:
    from eduwh.cli.stand_ins import stand_ins

    if not isinstance(faults, str):
        raise UserError("--faults PREFIX=profile is for a data set of several agencies")
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
    values = {
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
    env.update(
        {
            **dict.fromkeys(SANDBOX_SETTINGS),
            **{name: value for name, value in values.items() if value},
        }
    )
    present = {"motcua": "motcua", "eoffice": "eoffice", "csdl_moet": "moet"}
    dag_ids = [
        dag
        for source, dag in SOURCE_DAGS.items()
        if (source == "sis" and values["SIS_DROP_DIR"]) or present.get(source) in served
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
    from eduwh.cli.stand_ins import stand_ins

    sandbox = stand_ins()
    target = settings.home / "datasets" / sandbox.BUILT_IN["name"]
    if not (target / "expected.json").exists():
        print(f"generating the built-in data set {sandbox.BUILT_IN['name']} ...", file=sys.stderr)
        sandbox.generate_builtin(target)
    return target


@functools.cache
def dag(dag_id: str):
    """One of the project's DAGs, parsed once per process (a night runs several of them)
    from its own file, dags/<dag_id>.py (a night that runs no build does not render the
    warehouse DAG's dbt group), else from the whole folder."""
    from airflow.dag_processing.dagbag import DagBag

    own_file = PROJECT_ROOT / "dags" / f"{dag_id}.py"
    bag = DagBag(str(own_file if own_file.is_file() else PROJECT_ROOT / "dags"))
    if bag.import_errors:
        raise UserError(f"DAG files do not import: {bag.import_errors}")
    return bag.get_dag(dag_id)


def run_dag(dag_id: str, logical_date: datetime, conf: dict | None = None):
    """One DAG run through Airflow's own task runner (`dag.test()`), returned; a failed
    run is a one-line error naming the failed tasks."""
    run = _test_run(dag_id, logical_date, conf)
    if _state(run) != "success":
        raise _failed(dag_id, logical_date, run)
    return run


def run_source_dag(settings: Settings, dag_id: str, logical_date: datetime):
    """A source DAG's night, returned with one line per agency whose mapped landing task
    failed (the other agencies landed); any other failure is the one-line error of
    :func:`run_dag`."""
    run = _test_run(dag_id, logical_date, None)
    if _state(run) == "success":
        return run, []
    failed = [ti for ti in run.get_task_instances() if ti.state == "failed"]
    if not failed or any(ti.map_index < 0 for ti in failed):
        raise _failed(dag_id, logical_date, run)
    source = next(key for key, dag_name in SOURCE_DAGS.items() if dag_name == dag_id)
    codes = [getattr(ti, "rendered_map_index", None) or f"#{ti.map_index}" for ti in failed]
    return run, [
        f"{source} of agency {code} failed: {_batch_error(settings, run.run_id, code)}"
        for code in codes
    ]


def _test_run(dag_id: str, logical_date: datetime, conf: dict | None):
    """A local night fails fast: its tasks are not retried (dag.test() would sit out each
    retry delay); the scheduler's runs keep the DAG's retries.

    dag.test() parses every file of dags/ again at each call (to write them to Airflow's
    metadata); Airflow's parsing context names the DAG of the run, as its task runner
    does, so that the warehouse DAG's file skips rendering its dbt group (Cosmos, some
    120 tasks) for a source DAG's run (the metadata keeps the DAG as last written)."""
    from airflow.sdk.definitions.context import _AIRFLOW_PARSING_CONTEXT_DAG_ID

    with overlay({_AIRFLOW_PARSING_CONTEXT_DAG_ID: dag_id}):
        night_dag = dag(dag_id)
        for task in night_dag.tasks:
            task.retries = 0
        return night_dag.test(logical_date=logical_date, run_conf=conf)


def _state(run) -> str:
    return str(getattr(run.state, "value", run.state))


def _failed(dag_id: str, logical_date: datetime, run) -> UserError:
    failed = [ti.task_id for ti in run.get_task_instances() if ti.state == "failed"]
    return UserError(
        f"{dag_id} night {logical_date.date()} ended {_state(run)}; failed tasks: "
        f"{', '.join(failed) or '-'}; the task logs are in "
        f"{process_value('AIRFLOW__LOGGING__BASE_LOG_FOLDER', 'the Airflow log folder')}"
    )


def _batch_error(settings: Settings, run_id: str, agency_code: str) -> str:
    """The first line of the error the agency's failed batch recorded (the task log has
    the rest)."""
    from eduwh import warehouse

    with warehouse.connect(settings, role="eduwh_loader") as conn:
        row = conn.execute(
            "select error from meta.batch where run_id = %s and agency_code = %s"
            " and status = 'failed' order by batch_id desc limit 1",
            (run_id, agency_code),
        ).fetchone()
    if row is None or not row[0]:
        return "its task failed before a batch opened (see the task log)"
    return row[0].strip().splitlines()[0][:300]


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
