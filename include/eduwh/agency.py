"""The agency a night extracts and reports for, and where it comes from.

Settings first (`EDUWH_AGENCY_CODE`, `EDUWH_AGENCY_NAME`, `EDUWH_MOET_DEPARTMENT_CODE`);
with none configured, a sandbox data set names its own agency in its `dataset.json`
(contracts/sandbox_dataset.md). Nothing here names one agency.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

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
