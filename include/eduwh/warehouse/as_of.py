"""The as-of marts of a date that no night built, built on demand.

A night builds the marts of its own as-of date (the dbt var `report_as_of_dates`). A
report or an indicator asked for another date (a past one: its figures come from the
dates on the records, so they are the same whenever they are built) first gets that
date's rows, incrementally, every other date kept. This is the one place outside the
night's build that runs dbt; the commands call it before they read, so `eduwh.report`
only reads.
"""

from __future__ import annotations

from datetime import date

from eduwh import warehouse
from eduwh.config import Settings
from eduwh.errors import UserError

# The marts whose rows are per as-of date.
AS_OF_MARTS = (
    "rpt_dossier_figures",
    "rpt_bieu_06_kstt",
    "rpt_document_figures",
    "rpt_indicator_766_dossiers",
    "rpt_indicators_766",
    "rpt_report_ratios",
    "rpt_dossier_chart_series",
    "rpt_document_chart_series",
    "rpt_dossier_figures_by_source",
    "rpt_document_figures_by_source",
)
INDICATOR_MARTS = ("rpt_indicator_766_dossiers", "rpt_indicators_766")


def ensure_as_of(settings: Settings, as_of: date, marts: tuple[str, ...] = AS_OF_MARTS) -> None:
    """Build `marts` for `as_of` unless the warehouse holds that date already (dbt's log
    goes where the caller sends stdout)."""
    present = _present(settings, marts)
    if present and not _holds(settings, present[0], as_of):
        build_as_of(settings, as_of, present)


def build_as_of(settings: Settings, as_of: date, marts: tuple[str, ...] = AS_OF_MARTS) -> None:
    """One `dbt run` of the as-of marts that exist, for one more date."""
    from eduwh.warehouse.dbt import DbtError, run_dbt

    present = _present(settings, marts)
    if not present:
        return
    dates = f"{{report_as_of_dates: ['{as_of.isoformat()}']}}"
    try:
        run_dbt(settings, ["run", "--select", *present, "--vars", dates])
    except DbtError as error:
        first = str(error).splitlines()[0] if str(error) else "dbt failed"
        raise UserError(f"could not build the figures as of {as_of}: {first}") from None


def _present(settings: Settings, marts: tuple[str, ...]) -> list[str]:
    with warehouse.connect(settings, role="eduwh_reader") as conn:
        return [
            mart
            for mart in marts
            if conn.execute("select to_regclass(%s)", (f"marts.{mart}",)).fetchone()[0]
        ]


def _holds(settings: Settings, mart: str, as_of: date) -> bool:
    with warehouse.connect(settings, role="eduwh_reader") as conn:
        query = f"select 1 from marts.{mart} where as_of_date = %s limit 1"  # noqa: S608
        return conn.execute(query, (as_of,)).fetchone() is not None
