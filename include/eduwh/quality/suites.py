"""The expectation suites of the nightly checkpoint, as code (the one place they are defined).

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

from eduwh.settings import Settings

CRITICAL, WARNING = "critical", "warning"

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


# Keys of the facts and dimensions (and report marts): unique and not null.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "marts.fct_dossier": ("dossier_code",),
    "marts.dim_procedure": ("procedure_key",),
    "marts.dim_channel": ("channel_code",),
    "marts.dim_dossier_status": ("status_code",),
    "marts.dim_date": ("date_day",),
    "marts.dim_agency": ("agency_version_key",),
    "marts.rpt_dossier_figures": ("agency_code", "report_year", "as_of_date"),
    "marts.rpt_bieu_06_kstt": ("agency_code", "report_year", "as_of_date", "field_code"),
    "marts.rpt_manual_figures": ("agency_code", "report_year"),
    "marts.rpt_plan_tasks": ("agency_code", "report_year", "plan_code", "sort_order"),
    "marts.rpt_document_figures": ("agency_code", "report_year", "as_of_date"),
    "marts.rpt_school_figures": ("agency_code", "school_year"),
    "marts.rpt_sis_reconciliation": ("agency_code", "school_year", "school_code"),
    "marts.rpt_indicators_766": (
        "agency_code",
        "period_kind",
        "period_start",
        "as_of_date",
        "indicator_id",
        "breakdown",
    ),
    "marts.rpt_indicator_766_dossiers": (
        "agency_code",
        "indicator_id",
        "period_kind",
        "period_start",
        "as_of_date",
        "dossier_code",
    ),
}


def _rows(description: str, query: str, severity: str = CRITICAL):
    """An expectation that no row of `query` exists ({batch} is the asset)."""
    return gxe.UnexpectedRowsExpectation(
        description=description, unexpected_rows_query=query, severity=severity
    )


def _pct(column: str):
    return gxe.ExpectColumnValuesToBeBetween(
        column=column, min_value=0, max_value=100, description=f"{column} within 0-100"
    )


def key_suite(table: str, key: tuple[str, ...]) -> SuiteSpec:
    expectations = [
        gxe.ExpectColumnValuesToNotBeNull(column=column, description=f"{column} not null")
        for column in key
    ]
    if len(key) == 1:
        expectations.append(
            gxe.ExpectColumnValuesToBeUnique(column=key[0], description=f"{key[0]} unique")
        )
    else:
        expectations.append(
            gxe.ExpectCompoundColumnsToBeUnique(
                column_list=list(key), description=f"({', '.join(key)}) unique"
            )
        )
    name = table.split(".", 1)[1]
    return SuiteSpec(
        name=f"keys.{name}",
        asset=AssetSpec(name=table, table=table, requires=(table,)),
        expectations=expectations,
    )


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


def dossier_figures_suite() -> SuiteSpec:
    table = "marts.rpt_dossier_figures"
    identities = [
        (
            "received = resolved + in_progress + withdrawn + stopped",
            "dossiers_received <> dossiers_resolved + dossiers_in_progress"
            " + dossiers_withdrawn + dossiers_stopped",
        ),
        (
            "resolved = early + on_time + late",
            "dossiers_resolved <> dossiers_resolved_early + dossiers_resolved_on_time"
            " + dossiers_resolved_late",
        ),
        (
            "resolved_early_or_on_time = early + on_time",
            "dossiers_resolved_early_or_on_time"
            " <> dossiers_resolved_early + dossiers_resolved_on_time",
        ),
        (
            "received = received_new + carried_over",
            "dossiers_received <> dossiers_received_new + dossiers_carried_over",
        ),
        (
            "received_new = online + direct + bcci",
            "dossiers_received_new <> dossiers_received_online + dossiers_received_direct"
            " + dossiers_received_bcci",
        ),
        (
            "in_progress = within_due + overdue",
            "dossiers_in_progress <> dossiers_in_progress_within_due"
            " + dossiers_in_progress_overdue",
        ),
        (
            "procedures with_bcci_dossiers <= total",
            "procedures_with_bcci_dossiers > procedures_total",
        ),
        ("procedures with_dossiers <= total", "procedures_with_dossiers > procedures_total"),
        (
            "procedures online_with_dossiers <= with_dossiers",
            "procedures_online_with_dossiers > procedures_with_dossiers",
        ),
        (
            "procedures online_level_3 + online_level_4 <= total",
            "procedures_online_level_3 + procedures_online_level_4 > procedures_total",
        ),
        (
            "returned_via_bcci <= resolved",
            "dossiers_returned_via_bcci > dossiers_resolved",
        ),
    ]
    expectations = [
        _rows(description, f"select * from {{batch}} where {condition}")
        for description, condition in identities
    ]
    expectations += [
        _pct("dossiers_pct_resolved_early_or_on_time"),
        _pct("dossiers_pct_received_bcci"),
    ]
    return SuiteSpec(
        name="figures.rpt_dossier_figures",
        asset=AssetSpec(name=table, table=table, requires=(table,)),
        expectations=expectations,
    )


def document_figures_suite() -> SuiteSpec:
    """e-Office figures (contracts/eoffice.md), once rpt_document_figures exists."""
    table = "marts.rpt_document_figures"
    columns = (
        "documents_incoming",
        "documents_outgoing",
        "documents_incoming_signed",
        "documents_outgoing_signed",
        "documents_pct_incoming_signed",
        "documents_pct_outgoing_signed",
    )
    return SuiteSpec(
        name="figures.rpt_document_figures",
        asset=AssetSpec(
            name=table,
            table=table,
            requires=(table,),
            columns=tuple(f"{table}.{column}" for column in columns),
        ),
        expectations=[
            _rows(
                "incoming_signed <= incoming",
                "select * from {batch} where documents_incoming_signed > documents_incoming",
            ),
            _rows(
                "outgoing_signed <= outgoing",
                "select * from {batch} where documents_outgoing_signed > documents_outgoing",
            ),
            _pct("documents_pct_incoming_signed"),
            _pct("documents_pct_outgoing_signed"),
        ],
    )


def school_figures_suite() -> SuiteSpec:
    table = "marts.rpt_school_figures"
    columns = (
        "has_school_list",
        "schools",
        "schools_on_smas",
        "schools_on_vnedu",
        "students_matched_pct",
    )
    return SuiteSpec(
        name="figures.rpt_school_figures",
        asset=AssetSpec(
            name=table,
            table=table,
            requires=(table,),
            columns=tuple(f"{table}.{column}" for column in columns),
        ),
        expectations=[
            _rows(
                "schools on SMAS <= schools",
                "select * from {batch} where has_school_list and schools_on_smas > schools",
            ),
            _rows(
                "schools on vnEdu <= schools",
                "select * from {batch} where has_school_list and schools_on_vnedu > schools",
            ),
            _pct("students_matched_pct"),
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


def indicators_766_suite() -> SuiteSpec:
    """Decision 766 indicators (contracts/indicators_766.md): for every row of a share,
    numerator <= denominator and the rate within 0-100 (2.2, an average in working days,
    has neither bound); no score above full points."""
    table = "marts.rpt_indicators_766"
    return SuiteSpec(
        name="figures.rpt_indicators_766",
        asset=AssetSpec(name=table, table=table, requires=(table,)),
        expectations=[
            _rows(
                "indicators 766: numerator <= denominator",
                "select * from {batch} where unit = 'percent' and numerator > denominator",
            ),
            _rows(
                "indicators 766: rate within 0-100",
                "select * from {batch} where unit = 'percent' and (rate < 0 or rate > 100)",
            ),
            _rows(
                "indicators 766: numerator and denominator not negative",
                "select * from {batch} where numerator < 0 or denominator < 0",
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="score_ratio",
                min_value=0,
                max_value=1,
                description="score_ratio within 0-1",
            ),
        ],
    )


def indicator_766_dossiers_suite() -> SuiteSpec:
    """The per-dossier mart adds up to the indicator mart: for every indicator it lists,
    period, agency and as-of date, the dossiers in the numerator and in the denominator
    are the indicator's numerator and denominator (either side missing counts as 0)."""
    query = """
with listed as (
    select agency_code, indicator_id, period_kind, period_start, as_of_date,
        count(*) filter (where is_in_numerator) as numerator, count(*) as denominator
    from marts.rpt_indicator_766_dossiers
    group by agency_code, indicator_id, period_kind, period_start, as_of_date
),
counted as (
    select agency_code, indicator_id, period_kind, period_start, as_of_date,
        numerator, denominator
    from marts.rpt_indicators_766
    where breakdown = 'all'
      and indicator_id in (select distinct indicator_id from marts.rpt_indicator_766_dossiers)
)
select
    coalesce(c.agency_code, l.agency_code) as agency_code,
    coalesce(c.indicator_id, l.indicator_id) as indicator_id,
    coalesce(c.period_kind, l.period_kind) as period_kind,
    coalesce(c.period_start, l.period_start) as period_start,
    coalesce(c.as_of_date, l.as_of_date) as as_of_date,
    c.numerator as mart_numerator, c.denominator as mart_denominator,
    l.numerator as dossier_numerator, l.denominator as dossier_denominator
from counted as c
full join listed as l
    using (agency_code, indicator_id, period_kind, period_start, as_of_date)
where coalesce(c.numerator, 0) <> coalesce(l.numerator, 0)
   or coalesce(c.denominator, 0) <> coalesce(l.denominator, 0)
"""
    return SuiteSpec(
        name="figures.indicator_766_dossiers_add_up",
        asset=AssetSpec(
            name="indicator 766 dossiers against the indicators",
            query=query,
            requires=("marts.rpt_indicators_766", "marts.rpt_indicator_766_dossiers"),
        ),
        expectations=[
            gxe.ExpectTableRowCountToEqual(
                value=0,
                result_format="COMPLETE",
                description="indicators 766: the dossiers add up to every numerator and"
                " denominator",
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
    suites = [raw_completeness_suite()]
    suites += [key_suite(table, key) for table, key in TABLE_KEYS.items()]
    suites += [
        dossier_figures_suite(),
        document_figures_suite(),
        school_figures_suite(),
        sis_schools_suite(),
        indicators_766_suite(),
        indicator_766_dossiers_suite(),
        movement_suite(),
    ]
    return suites


def planned_suites(
    present_tables: set[str], present_columns: set[str], extra_keys: dict[str, tuple[str, ...]]
) -> tuple[list[SuiteSpec], list[str]]:
    """(suites that can run, notes on the ones skipped). `extra_keys` adds key suites for
    facts and dimensions found in the warehouse that TABLE_KEYS does not list."""
    suites = all_suites() + [
        key_suite(table, key) for table, key in extra_keys.items() if table not in TABLE_KEYS
    ]
    runnable, notes = [], []
    for suite in suites:
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
