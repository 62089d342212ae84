"""Settings: every knob comes from the environment, with embedded-first defaults.

This module is the only one that reads or writes the process environment (`os.environ`;
tests/foundation/test_environment_access.py holds every other module of `eduwh` and
`dags/` to it). The others take a `Settings`, or go through the few functions at the end:
`child_environment` (the environment of a subprocess), `overlay` (variables set for a
block and restored after it: the in-process Airflow run, whose tasks, Airflow and Cosmos
read their settings from the environment), `export` (values handed on for the rest of
the process and to every child), `process_value` / `process_values` (a variable whose
current value, not the one at start-up, is wanted).

Nothing secret lives in code. Secrets that the embedded default needs (the pseudonym
key) are generated once into the state folder, which git ignores.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from eduwh.agency import Agency
from eduwh.errors import UserError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ROLES = ("eduwh_loader", "eduwh_transformer", "eduwh_reader")


# A source client's knobs, `<PREFIX>_<KNOB>` (MOTCUA_PAGE_SIZE, EOFFICE_MAX_ATTEMPTS ...).
CLIENT_PREFIXES = ("MOTCUA", "EOFFICE", "MOET")
CLIENT_KNOBS = (
    "PAGE_SIZE",
    "MAX_ATTEMPTS",
    "BACKOFF_BASE",
    "BACKOFF_MAX",
    "CONNECT_TIMEOUT",
    "READ_TIMEOUT",
)


PASSWORDS_FILE_SETTING = "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"

# The settings of one source instance, `{PREFIX}{SUFFIX}` (contracts/agencies.md).
INSTANCE_SUFFIXES = ("_BASE_URL", "_CLIENT_ID", "_CLIENT_SECRET", "_API_KEY", "_DROP_DIR")


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _port(name: str, default: int) -> int:
    value = _env(name, str(default))
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise UserError(f"{name}={value!r} is not a port number")
    return int(value)


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    """The setting `name`, one of `allowed` (the first when unset)."""
    value = _env(name, allowed[0])
    if value not in allowed:
        raise UserError(f"{name}={value!r}: expected one of {', '.join(allowed)}")
    return value


@dataclass(frozen=True)
class Settings:
    home: Path
    warehouse_dsn: str | None  # None: the embedded server
    pg_port: int
    agency_code: str | None  # None: not configured (a data set then names its own)
    agency_name: str | None
    moet_department_code: str | None
    motcua_base_url: str | None
    motcua_client_id: str
    motcua_client_secret: str | None
    eoffice_base_url: str | None
    eoffice_client_id: str
    eoffice_client_secret: str | None
    moet_base_url: str | None
    moet_api_key: str | None
    sis_drop_dir: str | None
    # Where a source starts when it has no watermark yet (ISO timestamps); None: its default.
    motcua_extract_from: str | None = None
    eoffice_extract_from: str | None = None
    moet_school_year: str | None = None  # None: the school year of the night
    task_retries: int = 3  # a scheduler's task; a local `eduwh run` night fails fast
    task_retry_delay_seconds: int = 120  # a test cluster retries in seconds, not minutes
    dbt_threads: int | None = None  # None: the machine's cores
    alert_webhook: str | None = None
    quality_yoy_band_pct: float = 50.0  # year-over-year movement raised as a warning
    client_knobs: Mapping[str, str] = field(default_factory=dict)
    role_passwords: Mapping[str, str] = field(default_factory=dict)  # WAREHOUSE_<ROLE>_PASSWORD
    airflow_port: int = 8080  # `eduwh cluster`: the api-server on 127.0.0.1
    redis_port: int = 6380  # `eduwh cluster`: the Celery broker on 127.0.0.1
    # "nightly": the source DAGs' cron; "none": they run only when triggered (a cluster
    # serving a sandbox data set, whose clock stands still at the data set's night)
    source_schedule: str = "nightly"
    # The agency register (contracts/agencies.md); None: the one agency of the settings
    agencies_file: Path | None = None
    # Every source instance's settings `{PREFIX}_{SUFFIX}` (MOTCUA_KT_BASE_URL ...): the
    # register names the prefixes (eduwh.agency)
    instance_settings: Mapping[str, str] = field(default_factory=dict)
    # The instance (settings prefix) a task's settings were made for; not from the
    # environment: eduwh.agency.source_settings sets it
    source_instance: str | None = None
    # `eduwh up`: where Airflow's simple auth manager writes the generated passwords
    # (AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE); None: its default under
    # AIRFLOW_HOME
    airflow_passwords_file: Path | None = None

    @classmethod
    def from_env(cls) -> Settings:
        home = Path(_env("EDUWH_HOME", str(PROJECT_ROOT / ".eduwh"))).resolve()
        return cls(
            home=home,
            warehouse_dsn=_env("WAREHOUSE_DSN"),
            pg_port=int(_env("EDUWH_PG_PORT", "54329")),
            agency_code=_env("EDUWH_AGENCY_CODE"),
            agency_name=_env("EDUWH_AGENCY_NAME"),
            moet_department_code=_env("EDUWH_MOET_DEPARTMENT_CODE"),
            motcua_base_url=_env("MOTCUA_BASE_URL"),
            motcua_client_id=_env("MOTCUA_CLIENT_ID", "eduwh"),
            motcua_client_secret=_env("MOTCUA_CLIENT_SECRET"),
            eoffice_base_url=_env("EOFFICE_BASE_URL"),
            eoffice_client_id=_env("EOFFICE_CLIENT_ID", "eduwh"),
            eoffice_client_secret=_env("EOFFICE_CLIENT_SECRET"),
            moet_base_url=_env("MOET_BASE_URL"),
            moet_api_key=_env("MOET_API_KEY"),
            sis_drop_dir=_env("SIS_DROP_DIR"),
            motcua_extract_from=_env("MOTCUA_EXTRACT_FROM"),
            eoffice_extract_from=_env("EOFFICE_EXTRACT_FROM"),
            moet_school_year=_env("MOET_SCHOOL_YEAR"),
            task_retries=int(_env("EDUWH_TASK_RETRIES", "3")),
            task_retry_delay_seconds=int(_env("EDUWH_TASK_RETRY_DELAY_SECONDS", "120")),
            dbt_threads=int(_env("EDUWH_DBT_THREADS", "0")) or None,
            alert_webhook=_env("EDUWH_ALERT_WEBHOOK"),
            quality_yoy_band_pct=float(_env("EDUWH_QUALITY_YOY_BAND_PCT", "50")),
            client_knobs={
                f"{prefix}_{knob}": _env(f"{prefix}_{knob}")
                for prefix in CLIENT_PREFIXES
                for knob in CLIENT_KNOBS
                if _env(f"{prefix}_{knob}")
            },
            role_passwords={
                role: _env(role_password_variable(role))
                for role in ROLES
                if _env(role_password_variable(role))
            },
            airflow_port=_port("EDUWH_AIRFLOW_PORT", 8080),
            redis_port=_port("EDUWH_REDIS_PORT", 6380),
            source_schedule=_choice("EDUWH_SOURCE_SCHEDULE", ("nightly", "none")),
            agencies_file=Path(_env("EDUWH_AGENCIES_FILE"))
            if _env("EDUWH_AGENCIES_FILE")
            else None,
            instance_settings={
                name: value
                for name, value in os.environ.items()
                if name.endswith(INSTANCE_SUFFIXES) and value != ""
            },
            airflow_passwords_file=Path(_env(PASSWORDS_FILE_SETTING))
            if _env(PASSWORDS_FILE_SETTING)
            else None,
        )

    def client_knob(self, prefix: str, knob: str, default: float) -> float:
        """A source client's knob (``MOTCUA_PAGE_SIZE`` ...), else its default."""
        return float(self.client_knobs.get(f"{prefix}_{knob}") or default)

    @property
    def real_sources(self) -> bool:
        """True when any source setting points at a real system (no sandbox then)."""
        return any(
            (self.motcua_base_url, self.eoffice_base_url, self.moet_base_url, self.sis_drop_dir)
        )

    @property
    def configured_agency(self) -> Agency | None:
        if not self.agency_code:
            return None
        return Agency(self.agency_code, self.agency_name, self.moet_department_code)

    @property
    def agency(self) -> Agency:
        """The agency a task extracts or reports for; a clear error when none is set."""
        agency = self.configured_agency
        if agency is None:
            raise UserError(
                "no agency: set EDUWH_AGENCY_CODE (and EDUWH_AGENCY_NAME), "
                "or run on a data set that names one (eduwh run --data DIR)"
            )
        return agency

    @property
    def embedded(self) -> bool:
        return self.warehouse_dsn is None

    @property
    def airflow_home(self) -> Path:
        return self.home / "airflow"

    def pseudonym_key(self) -> str:
        """The key of the keyed pseudonyms; `EDUWH_PSEUDONYM_KEY`, else one made once here."""
        configured = _env("EDUWH_PSEUDONYM_KEY")
        if configured:
            return configured
        key_file = self.home / "secrets" / "pseudonym.key"
        if not key_file.exists():
            # Owner-only from the first byte: the folder 0700, the file created 0600.
            key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            key_file.parent.chmod(0o700)
            try:
                fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it meanwhile: use theirs
                pass
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_hex(32))
        return key_file.read_text().strip()


def role_password_variable(role: str) -> str:
    """The setting of a warehouse role's password: WAREHOUSE_LOADER_PASSWORD ..."""
    return f"WAREHOUSE_{role.removeprefix('eduwh_').upper()}_PASSWORD"


def environment_command(name: str) -> str:
    """A command of this Python environment (`airflow`, `dbt`), found beside the running
    interpreter even when the environment's bin folder is not on the PATH."""
    import shutil
    import sys

    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise UserError(f"the `{name}` command is not installed in this environment (make setup)")
    return found


def airflow_environment(settings: Settings) -> dict[str, str]:
    """The environment Airflow and Cosmos run with locally (state under EDUWH_HOME)."""
    airflow_home = settings.airflow_home
    return {
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(airflow_home / "logs"),
        "AIRFLOW__COSMOS__CACHE_DIR": str(settings.home / "cosmos"),
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        "DO_NOT_TRACK": "1",
        "SCARF_ANALYTICS": "false",
        "DBT_PROFILES_DIR": str(PROJECT_ROOT / "dbt_project"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "EDUWH_HOME": str(settings.home),
    }


# -- the process environment ---------------------------------------------------------
# The only reads and writes of os.environ outside Settings.from_env.


def process_value(name: str, default: str | None = None) -> str | None:
    """The variable `name` of the process environment as it is now (unset or empty:
    `default`), for what another part of the process may have set since the settings
    were read (PGOPTIONS, Airflow's log folder)."""
    return _env(name, default)


def process_values(names: Iterable[str]) -> dict[str, str]:
    """The variables of `names` that are set now, as they are."""
    return {name: os.environ[name] for name in names if name in os.environ}


def process_environment() -> dict[str, str]:
    """A copy of the whole process environment, as it is now."""
    return dict(os.environ)


def child_environment(*layers: Mapping[str, str], **extra: str) -> dict[str, str]:
    """The environment of a subprocess: this process's, then each of `layers`
    (airflow_environment, dbt_environment ...), then `extra`; later ones win."""
    environment = dict(os.environ)
    for layer in layers:
        environment.update(layer)
    environment.update(extra)
    return environment


def export(values: Mapping[str, str]) -> None:
    """Hand `values` on for the rest of the process: every later `Settings.from_env` and
    every child reads them (warehouse.ensure hands the embedded server's role passwords on
    to the processes this one starts). Restored by no one; an `overlay` around the call
    restores what it set itself."""
    os.environ.update(values)


class Overlay:
    """Variables set in the process environment until `restore`; `update` sets more
    (None: unset), each remembered with the value it had before the overlay first
    touched it."""

    def __init__(self) -> None:
        self._saved: dict[str, str | None] = {}

    def update(self, values: Mapping[str, str | None]) -> None:
        for name, value in values.items():
            self._saved.setdefault(name, os.environ.get(name))
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def restore(self) -> None:
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved.clear()


@contextmanager
def overlay(values: Mapping[str, str | None] | None = None) -> Iterator[Overlay]:
    """`values` in the process environment while the block runs (None: unset), and what
    the block adds through the yielded `Overlay`; every variable touched is restored after
    it. The one deliberate write: an in-process Airflow run (`dag.test()`) and dbt read
    their settings from the environment, not from arguments."""
    applied = Overlay()
    try:
        applied.update(values or {})
        yield applied
    finally:
        applied.restore()
