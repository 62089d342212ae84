{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['agency_code', 'report_year', 'as_of_date'],
        on_schema_change='fail'
    )
}}
{#-
    The dossier and procedure figures of the annual report (contracts/report_figures.md),
    one row per agency, report year and as-of date. Column = section + '_' + JSON key.
    Incremental: a run replaces the rows of the as-of dates it was asked for and keeps
    the others.
-#}

with

as_of_dates as (

    {{ report_as_of_dates() }}

),

agencies as (

    select
        agency_code,
        agency_name
    from {{ ref('dim_agency') }}
    where is_current

),

dossiers as (

    select * from {{ ref('int_dossier_as_of') }}
    where is_counted

),

catalogue as (

    select * from {{ ref('int_procedure_as_of') }}

),

report_rows as (

    select
        agencies.agency_code,
        agencies.agency_name,
        extract(year from as_of_dates.as_of_date)::int as report_year,
        as_of_dates.as_of_date
    from agencies
    cross join as_of_dates

),

dossier_figures as (

    select
        agency_code,
        as_of_date,
        {{ dossier_counts() }}
    from dossiers
    group by agency_code, as_of_date

),

procedures_used as (

    select distinct
        agency_code,
        as_of_date,
        procedure_code
    from dossiers
    where receipt_class = 'received_new'

),

catalogue_figures as (

    select
        catalogue.agency_code,
        catalogue.as_of_date,
        count(*) as total,
        count(*) filter (where catalogue.service_level = 3) as online_level_3,
        count(*) filter (where catalogue.service_level = 4) as online_level_4,
        count(*) filter (where catalogue.is_bcci_enabled) as bcci_enabled,
        count(procedures_used.procedure_code) filter (
            where catalogue.service_level in (3, 4)
        ) as online_with_dossiers
    from catalogue
    left join procedures_used
        on
            catalogue.agency_code = procedures_used.agency_code
            and catalogue.as_of_date = procedures_used.as_of_date
            and catalogue.procedure_code = procedures_used.procedure_code
    group by catalogue.agency_code, catalogue.as_of_date

),

figures as (

    select
        report_rows.agency_code,
        report_rows.agency_name,
        report_rows.report_year,
        report_rows.as_of_date,
        coalesce(catalogue_figures.total, 0) as procedures_total,
        coalesce(catalogue_figures.online_level_3, 0) as procedures_online_level_3,
        coalesce(catalogue_figures.online_level_4, 0) as procedures_online_level_4,
        coalesce(dossier_figures.procedures_with_dossiers, 0) as procedures_with_dossiers,
        coalesce(catalogue_figures.online_with_dossiers, 0) as procedures_online_with_dossiers,
        coalesce(catalogue_figures.bcci_enabled, 0) as procedures_bcci_enabled,
        coalesce(dossier_figures.procedures_with_bcci_dossiers, 0)
            as procedures_with_bcci_dossiers,
        coalesce(dossier_figures.received, 0) as dossiers_received,
        coalesce(dossier_figures.received_new, 0) as dossiers_received_new,
        coalesce(dossier_figures.carried_over, 0) as dossiers_carried_over,
        coalesce(dossier_figures.received_online, 0) as dossiers_received_online,
        coalesce(dossier_figures.received_direct, 0) as dossiers_received_direct,
        coalesce(dossier_figures.received_bcci, 0) as dossiers_received_bcci,
        coalesce(dossier_figures.resolved, 0) as dossiers_resolved,
        coalesce(dossier_figures.resolved_early, 0) as dossiers_resolved_early,
        coalesce(dossier_figures.resolved_on_time, 0) as dossiers_resolved_on_time,
        coalesce(dossier_figures.resolved_early, 0)
        + coalesce(dossier_figures.resolved_on_time, 0) as dossiers_resolved_early_or_on_time,
        coalesce(dossier_figures.resolved_late, 0) as dossiers_resolved_late,
        coalesce(dossier_figures.in_progress, 0) as dossiers_in_progress,
        coalesce(dossier_figures.in_progress_within_due, 0) as dossiers_in_progress_within_due,
        coalesce(dossier_figures.in_progress_overdue, 0) as dossiers_in_progress_overdue,
        coalesce(dossier_figures.withdrawn, 0) as dossiers_withdrawn,
        coalesce(dossier_figures.stopped, 0) as dossiers_stopped,
        coalesce(dossier_figures.returned_via_bcci, 0) as dossiers_returned_via_bcci
    from report_rows
    left join dossier_figures
        on
            report_rows.agency_code = dossier_figures.agency_code
            and report_rows.as_of_date = dossier_figures.as_of_date
    left join catalogue_figures
        on
            report_rows.agency_code = catalogue_figures.agency_code
            and report_rows.as_of_date = catalogue_figures.as_of_date

)

select
    agency_code,
    agency_name,
    report_year,
    as_of_date,
    procedures_total::int as procedures_total,
    procedures_online_level_3::int as procedures_online_level_3,
    procedures_online_level_4::int as procedures_online_level_4,
    procedures_with_dossiers::int as procedures_with_dossiers,
    procedures_online_with_dossiers::int as procedures_online_with_dossiers,
    procedures_bcci_enabled::int as procedures_bcci_enabled,
    procedures_with_bcci_dossiers::int as procedures_with_bcci_dossiers,
    dossiers_received::int as dossiers_received,
    dossiers_received_new::int as dossiers_received_new,
    dossiers_carried_over::int as dossiers_carried_over,
    dossiers_received_online::int as dossiers_received_online,
    dossiers_received_direct::int as dossiers_received_direct,
    dossiers_received_bcci::int as dossiers_received_bcci,
    dossiers_resolved::int as dossiers_resolved,
    dossiers_resolved_early::int as dossiers_resolved_early,
    dossiers_resolved_on_time::int as dossiers_resolved_on_time,
    dossiers_resolved_early_or_on_time::int as dossiers_resolved_early_or_on_time,
    dossiers_resolved_late::int as dossiers_resolved_late,
    dossiers_in_progress::int as dossiers_in_progress,
    dossiers_in_progress_within_due::int as dossiers_in_progress_within_due,
    dossiers_in_progress_overdue::int as dossiers_in_progress_overdue,
    dossiers_withdrawn::int as dossiers_withdrawn,
    dossiers_stopped::int as dossiers_stopped,
    dossiers_returned_via_bcci::int as dossiers_returned_via_bcci,
    round(
        100.0 * dossiers_resolved_early_or_on_time / nullif(dossiers_resolved, 0), 1
    )::numeric(4, 1) as dossiers_pct_resolved_early_or_on_time,
    round(
        100.0 * dossiers_received_bcci / nullif(dossiers_received_new, 0), 1
    )::numeric(4, 1) as dossiers_pct_received_bcci
from figures
