"""Which agency a report or an indicator is for (contracts/report_figures.md)."""

from __future__ import annotations

import dataclasses
from datetime import date

from eduwh import warehouse
from eduwh.config import Settings
from eduwh.errors import UserError


def reporting_for(settings: Settings, agency: str | None, as_of: date) -> Settings:
    """The settings of the reporting agency (report_figures.md): `--agency`, else the
    configured one, else the agency of the warehouse (dim_agency) that is valid on the
    as-of date and has no successor; several such agencies need `--agency`."""
    code = agency or settings.agency_code
    if code is None:
        with warehouse.connect(settings, role="eduwh_reader") as conn:
            exists = conn.execute("select to_regclass('marts.dim_agency')").fetchone()[0]
            held = (
                [
                    row[0]
                    for row in conn.execute(
                        "select agency_code from marts.dim_agency where is_current"
                        " and successor_agency_code is null"
                        " and (valid_to is null or valid_to >= %s)",
                        (as_of,),
                    )
                ]
                if exists
                else []
            )
        if len(held) != 1:
            found = ", ".join(sorted(held)) or "none"
            raise UserError(
                f"--agency CODE is needed: the warehouse holds agencies {found} on {as_of}"
            )
        code = held[0]
    if code == settings.agency_code:
        return settings
    return dataclasses.replace(settings, agency_code=code, agency_name=None)
