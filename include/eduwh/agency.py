"""The agency a night extracts and reports for, and where it comes from.

Settings first (`EDUWH_AGENCY_CODE`, `EDUWH_AGENCY_NAME`, `EDUWH_MOET_DEPARTMENT_CODE`);
with none configured, a sandbox data set names its own agency in its `dataset.json`
(contracts/sandbox_dataset.md). Nothing here names one agency.

The agency register (`EDUWH_AGENCIES_FILE`, contracts/agencies.md) names every agency a
warehouse serves and the source instance (a settings prefix) of each of its systems; it
is read and checked here, once, for every command that runs nights and `eduwh agencies`.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from eduwh.errors import UserError

DEPARTMENT_PREFIX = "Sở Giáo dục và Đào tạo"


def province_of(agency_name: str | None) -> str | None:
    """'Sở Giáo dục và Đào tạo Kon Tum' -> 'Kon Tum': the province a Department's name
    carries (the place of the report's date line; dim_agency.province_name)."""
    if agency_name and agency_name.strip().startswith(DEPARTMENT_PREFIX):
        return agency_name.strip()[len(DEPARTMENT_PREFIX) :].strip() or None
    return None


@dataclass(frozen=True)
class Agency:
    code: str  # QCVN 102 identifier of the one-stop portal and e-Office
    name: str | None = None
    department_code: str | None = None  # `ma_so` of the csdl.moet export API

    @property
    def moet_department_code(self) -> str:
        """csdl.moet's `ma_so`; the agency code where no department code is given."""
        return self.department_code or self.code

    def environment(self) -> dict[str, str]:
        """The settings that name this agency, for the tasks of a night."""
        env = {"EDUWH_AGENCY_CODE": self.code}
        if self.name:
            env["EDUWH_AGENCY_NAME"] = self.name
        if self.department_code:
            env["EDUWH_MOET_DEPARTMENT_CODE"] = self.department_code
        return env


def read_dataset_json(data_dir: Path) -> dict:
    """A data set's `dataset.json`, checked for what the main job needs; one-line errors."""
    path = Path(data_dir) / "dataset.json"
    if not path.is_file():
        raise UserError(f"{data_dir} is not a data set: it has no dataset.json")
    try:
        meta = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserError(f"{path} is not valid JSON: {error}") from None
    if not isinstance(meta, dict):
        raise UserError(f"{path} must hold a JSON object")
    agency = meta.get("agency")
    if (
        not isinstance(agency, dict)
        or not isinstance(agency.get("code"), str)
        or not (agency["code"].strip())
    ):
        raise UserError(f'{path}: "agency" must be an object with a "code" (a string)')
    for key in ("name",):
        if agency.get(key) is not None and not isinstance(agency[key], str):
            raise UserError(f'{path}: "agency.{key}" must be a string')
    department = meta.get("department_code")
    if department is not None and not isinstance(department, str):
        raise UserError(f'{path}: "department_code" must be a string')
    return meta


def dataset_agency(data_dir: Path) -> Agency:
    meta = read_dataset_json(data_dir)
    return Agency(
        code=meta["agency"]["code"].strip(),
        name=meta["agency"].get("name"),
        department_code=meta.get("department_code"),
    )


def night_agency(configured: Agency | None, data_dir: Path | None) -> Agency:
    """The agency of a night on a data set: the configured one, which the data set must
    hold; else the data set's own."""
    if data_dir is None:
        if configured is None:
            raise UserError("no agency: set EDUWH_AGENCY_CODE (and EDUWH_AGENCY_NAME)")
        return configured
    held = dataset_agency(data_dir)
    if configured is None:
        return held
    if configured.code != held.code:
        raise UserError(
            f"EDUWH_AGENCY_CODE is {configured.code}, but the data set {data_dir} holds "
            f"agency {held.code}: unset EDUWH_AGENCY_CODE or use that agency's data set"
        )
    return Agency(
        code=configured.code,
        name=configured.name or held.name,
        department_code=configured.department_code or held.department_code,
    )


# -- the agency register (contracts/agencies.md) ------------------------------------------
# The source keys of a register entry, the settings prefix each has without a register,
# and the settings of one instance, `{PREFIX}{SUFFIX}`: (Settings field, suffix).
SOURCE_KEYS = ("motcua", "eoffice", "csdl_moet", "sis")
DEFAULT_PREFIXES = {"motcua": "MOTCUA", "eoffice": "EOFFICE", "csdl_moet": "MOET", "sis": "SIS"}
INSTANCE_FIELDS = {
    "motcua": {
        "motcua_base_url": "_BASE_URL",
        "motcua_client_id": "_CLIENT_ID",
        "motcua_client_secret": "_CLIENT_SECRET",
    },
    "eoffice": {
        "eoffice_base_url": "_BASE_URL",
        "eoffice_client_id": "_CLIENT_ID",
        "eoffice_client_secret": "_CLIENT_SECRET",
    },
    "csdl_moet": {"moet_base_url": "_BASE_URL", "moet_api_key": "_API_KEY"},
    "sis": {"sis_drop_dir": "_DROP_DIR"},
}
# The setting without which an instance is not configured at all.
REQUIRED_SUFFIX = {
    "motcua": "_BASE_URL",
    "eoffice": "_BASE_URL",
    "csdl_moet": "_BASE_URL",
    "sis": "_DROP_DIR",
}
DEFAULT_CLIENT_ID = "eduwh"
PREFIX = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*\Z")
REQUIRED_FIELDS = ("code", "name", "valid_from", "sources")


@dataclass(frozen=True)
class Registered:
    """One agency of the register: who it is, when it operated, who took over, and the
    settings prefix of the instance of each source system that serves it."""

    agency: Agency
    province_code: str | None
    valid_from: date | None
    valid_to: date | None
    successor: str | None
    sources: Mapping[str, str]

    @property
    def code(self) -> str:
        return self.agency.code

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def extracted_on(self, day: date, source: str) -> bool:
        """A night extracts the agency's source when the agency is valid that day, or a
        successor took it over: its read-only system keeps answering the dossiers still
        moving (an empty night is cheap), until the register drops it."""
        if source not in self.sources:
            return False
        started = self.valid_from is None or self.valid_from <= day
        return self.valid_on(day) or (started and self.successor is not None)


def single_register(agency: Agency) -> list[Registered]:
    """Without a register file: the one agency of the settings, on today's instances."""
    return [Registered(agency, None, None, None, None, dict(DEFAULT_PREFIXES))]


def read_register(path: Path) -> list[Registered]:
    """The register file, checked whole; every problem is a one-line UserError."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"EDUWH_AGENCIES_FILE {path}: no such file")
    try:
        entries = yaml.safe_load(path.read_text("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UserError(f"{path} is not valid YAML: {first}") from None
    if not isinstance(entries, list) or not entries:
        raise UserError(f"{path}: the register must be a list of agencies (contracts/agencies.md)")
    register = [_entry(path, number, entry) for number, entry in enumerate(entries, 1)]
    _check_codes(path, register)
    return register


def _entry(path: Path, number: int, entry: Any) -> Registered:
    where = f"{path}: agency {number}"
    if not isinstance(entry, dict):
        raise UserError(f"{where} must be a mapping of code, name, valid_from, sources ...")
    if entry.get("code"):
        where = f"{path}: agency {entry['code']}"
    missing = [key for key in REQUIRED_FIELDS if entry.get(key) in (None, "", {})]
    if missing:
        raise UserError(f"{where}: missing {', '.join(missing)}")
    text = {
        key: _text(where, entry, key)
        for key in ("code", "name", "province_code", "moet_department_code", "successor")
    }
    valid_from, valid_to = _date(where, entry, "valid_from"), _date(where, entry, "valid_to")
    if valid_to is not None and valid_to < valid_from:
        raise UserError(f"{where}: valid_to {valid_to} is before valid_from {valid_from}")
    sources = entry["sources"]
    if not isinstance(sources, dict):
        raise UserError(
            f"{where}: sources must map source keys ({', '.join(SOURCE_KEYS)}) to settings prefixes"
        )
    for source, prefix in sources.items():
        if source not in SOURCE_KEYS:
            raise UserError(
                f"{where}: unknown source {source!r} (expected one of {', '.join(SOURCE_KEYS)})"
            )
        if not isinstance(prefix, str) or not PREFIX.match(prefix):
            raise UserError(
                f"{where}: sources.{source} {prefix!r} is not a settings prefix"
                " (like MOTCUA or MOTCUA_KT)"
            )
    agency = Agency(text["code"], text["name"], text["moet_department_code"])
    return Registered(
        agency, text["province_code"], valid_from, valid_to, text["successor"], dict(sources)
    )


def _text(where: str, entry: dict, key: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise UserError(f"{where}: {key} must be text")
    return str(value).strip() or None


def _date(where: str, entry: dict, key: str) -> date | None:
    value = entry.get(key)
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise UserError(f"{where}: {key} {value!r} is not a date (YYYY-MM-DD)") from None


def _check_codes(path: Path, register: list[Registered]) -> None:
    seen: dict[str, Registered] = {}
    for entry in register:
        other = seen.get(entry.code)
        if other is not None:
            if _overlap(other, entry):
                raise UserError(
                    f"{path}: agency {entry.code}: overlapping validity of one code (two entries)"
                )
            raise UserError(f"{path}: agency {entry.code}: duplicate code (one entry per agency)")
        seen[entry.code] = entry
    for entry in register:
        if entry.successor is not None and entry.successor not in seen:
            raise UserError(
                f"{path}: agency {entry.code}: successor {entry.successor} is not in the register"
            )
        if entry.successor == entry.code:
            raise UserError(f"{path}: agency {entry.code} cannot be its own successor")


def _overlap(one: Registered, other: Registered) -> bool:
    end = date.max
    return (one.valid_from or date.min) <= (other.valid_to or end) and (
        other.valid_from or date.min
    ) <= (one.valid_to or end)


def check_instances(register: list[Registered], instance_settings: Mapping[str, str]) -> None:
    """Every prefix the register names is a configured instance (its `{P}_BASE_URL` /
    `{P}_DROP_DIR` is set), or a one-line error naming the setting."""
    for entry in register:
        for source, prefix in entry.sources.items():
            name = prefix + REQUIRED_SUFFIX[source]
            if not instance_settings.get(name):
                raise UserError(
                    f"agency {entry.code}: source {source} instance {prefix} is not"
                    f" configured ({name} is not set)"
                )


def register_of(settings, data_dir: Path | None = None) -> list[Registered]:
    """The night's register: the file of `EDUWH_AGENCIES_FILE`, else the one agency of
    the settings (or of the data set's dataset.json)."""
    if settings.agencies_file is not None:
        return read_register(settings.agencies_file)
    if data_dir is not None:
        return single_register(night_agency(settings.configured_agency, data_dir))
    return single_register(settings.agency)


def registered(register: list[Registered], code: str) -> Registered:
    for entry in register:
        if entry.code == code:
            return entry
    raise UserError(f"agency {code} is not in the register")


def night_codes(register: list[Registered], source: str, day: date) -> list[str]:
    """The agencies whose `source` a night of `day` extracts, in register order."""
    return [entry.code for entry in register if entry.extracted_on(day, source)]


def source_settings(settings, entry: Registered, source: str):
    """The settings a task of `source` runs with for one agency: that agency, and its
    instance's settings (`{P}_BASE_URL` ...) in the fields the loader reads."""
    prefix = entry.sources[source]
    instance = settings.instance_settings
    fields = {
        field_name: instance.get(prefix + suffix)
        or (DEFAULT_CLIENT_ID if suffix == "_CLIENT_ID" else None)
        for field_name, suffix in INSTANCE_FIELDS[source].items()
    }
    return dataclasses.replace(
        settings,
        agency_code=entry.agency.code,
        agency_name=entry.agency.name,
        moet_department_code=entry.agency.department_code,
        source_instance=prefix,
        **fields,
    )
