"""The expectation suites of the nightly checkpoint, as code (the one place they are defined).

Only what dbt cannot check is here: completeness (every reported row landed or was
quarantined), cross-source agreement (SIS schools on csdl.moet's list) and movement year
on year. Every row rule of a mart (keys, identities, bounds, the Decision 766 checks) is
a dbt test, run by the build; the checkpoint reports those tests' outcome from dbt's
run_results.json (eduwh.quality.dbt_tests), never runs them again.

Each `SuiteSpec` names one asset of the warehouse (a table, or a query) and the
expectations on it. `planned_suites(present)` returns the suites that can run against
the tables present now; a suite whose tables are absent (the e-Office and school marts
before those sources exist) is left out with a note, never failed.

Severity: suites with severity "critical" decide whether the checkpoint passes; the
"warning" suite (year-over-year movement of the headline figures) is reported but never
fails the checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import great_expectations.expectations as gxe

from eduwh.config import Settings
from eduwh.quality.outcome import CRITICAL, WARNING

# Year-over-year movement of a headline figure beyond this (percent, either direction)
# is raised as a warning. Override with EDUWH_QUALITY_YOY_BAND_PCT.
DEFAULT_YOY_BAND_PCT = 50.0


def yoy_band_pct() -> float:
    return Settings.from_env().quality_yoy_band_pct


@dataclass(frozen=True)
class AssetSpec:
    name: str
    table: str | None = None  # "schema.table" for a table asset
    query: str | None = None  # SQL for a query asset
    requires: tuple[str, ...] = ()  # "schema.table" that must exist; else the suite is skipped
    columns: tuple[str, ...] = ()  # "schema.table.column" that must exist too


@dataclass
class SuiteSpec:
    name: str
    asset: AssetSpec
    expectations: list = field(default_factory=list)
    severity: str = CRITICAL


def raw_completeness_suite() -> SuiteSpec:
    query = (
        "select batch_id, source, entity, status, rows_reported,"
        " coalesce(rows_landed, 0) + coalesce(rows_quarantined, 0) as rows_accounted"
        " from meta.batch where status = 'succeeded'"
    )
    return SuiteSpec(
        name="raw.completeness",
        asset=AssetSpec(name="meta.batch succeeded", query=query, requires=("meta.batch",)),
        expectations=[
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A="rows_accounted",
                column_B="rows_reported",
                ignore_row_if="neither",
                description="rows_landed + rows_quarantined = rows_reported for every batch",
            ),
            gxe.ExpectColumnValuesToNotBeNull(
                column="rows_reported", description="every batch says how many rows it reported"
            ),
        ],
    )


def sis_schools_suite() -> SuiteSpec:
    """Every school of an SMAS/vnEdu delivery exists in csdl.moet (its school list), in
    the school years whose school list landed: deliveries of other years are kept and
    reported for their own year but never enter the checks (contracts/sis_exports.md)."""
    query = (
        "select r.school_year, r.school_code from marts.rpt_sis_reconciliation as r"
        " join marts.rpt_school_figures as f"
        " on f.agency_code = r.agency_code and f.school_year = r.school_year"
        " where f.has_school_list and (r.delivers_smas or r.delivers_vnedu)"
        " and not r.on_school_list"
    )
    return SuiteSpec(
        name="figures.sis_schools_in_csdl_moet",
        asset=AssetSpec(
            name="SIS schools missing from csdl.moet",
            query=query,
            requires=("marts.rpt_sis_reconciliation", "marts.rpt_school_figures"),
            columns=(
                "marts.rpt_sis_reconciliation.on_school_list",
                "marts.rpt_sis_reconciliation.delivers_smas",
                "marts.rpt_sis_reconciliation.delivers_vnedu",
                "marts.rpt_school_figures.has_school_list",
            ),
        ),
        expectations=[
            gxe.ExpectTableRowCountToEqual(
                value=0, description="schools in SIS deliveries exist in csdl.moet"
            )
        ],
    )


HEADLINE_FIGURES = (
    "procedures_total",
    "dossiers_received",
    "dossiers_resolved",
    "dossiers_received_bcci",
    "dossiers_in_progress",
)


def movement_suite(band_pct: float | None = None) -> SuiteSpec:
    """Headline figures of each year's latest as-of date against the previous year's
    figures at the same day of the year (or its latest as-of date before that day)."""
    band = yoy_band_pct() if band_pct is None else band_pct
    unpivot = " union all ".join(
        f"select agency_code, report_year, as_of_date, '{name}' as figure,"
        f" {name}::numeric as value from marts.rpt_dossier_figures"
        for name in HEADLINE_FIGURES
    )
    query = f"""
with figures as ({unpivot}),
latest as (
    select distinct on (agency_code, report_year, figure) *
    from figures order by agency_code, report_year, figure, as_of_date desc
)
select
    cur.agency_code, cur.report_year, cur.figure, cur.value,
    prev.as_of_date as previous_as_of_date, prev.value as previous_value,
    round(100.0 * (cur.value - prev.value) / nullif(prev.value, 0), 1) as change_pct
from latest as cur
join lateral (
    select p.as_of_date, p.value from figures as p
    where p.agency_code = cur.agency_code and p.figure = cur.figure
      and p.report_year = cur.report_year - 1
      and p.as_of_date <= (cur.as_of_date - interval '1 year')::date
    order by p.as_of_date desc limit 1
) as prev on true
where prev.value > 0
"""
    return SuiteSpec(
        name="movement.headline_yoy",
        severity=WARNING,
        asset=AssetSpec(
            name="headline figures year over year",
            query=query,
            requires=("marts.rpt_dossier_figures",),
        ),
        expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="change_pct",
                min_value=-band,
                max_value=band,
                severity=WARNING,
                result_format="COMPLETE",
                description=f"headline figures move by at most {band:g}% year over year",
            )
        ],
    )


def all_suites() -> list[SuiteSpec]:
    return [raw_completeness_suite(), sis_schools_suite(), movement_suite()]


def planned_suites(
    present_tables: set[str], present_columns: set[str]
) -> tuple[list[SuiteSpec], list[str]]:
    """(suites that can run, notes on the ones skipped)."""
    runnable, notes = [], []
    for suite in all_suites():
        missing = [table for table in suite.asset.requires if table not in present_tables]
        if missing:
            notes.append(f"{suite.name}: skipped, {', '.join(missing)} not in the warehouse yet")
            continue
        missing_columns = [c for c in suite.asset.columns if c not in present_columns]
        if missing_columns:
            notes.append(f"{suite.name}: skipped, columns missing: {', '.join(missing_columns)}")
            continue
        runnable.append(suite)
    return runnable, notes
