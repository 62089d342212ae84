{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['agency_code', 'report_year', 'as_of_date'],
        on_schema_change='fail'
    )
}}
{#-
    Biểu số 06/VPCP/KSTT (Circular 01/2020/TT-VPCP): dossiers per field (lĩnh vực), one
    row per agency, report year, as-of date and field. Same definitions as
    rpt_dossier_figures (both read int_dossier_as_of). A run replaces the rows of the
    as-of dates it was asked for and keeps the others.
-#}

with

dossiers as (

    select * from {{ ref('int_dossier_as_of') }}
    where is_counted

)

select
    dossiers.agency_code,
    dossiers.report_year,
    dossiers.as_of_date,
    coalesce(dossiers.field_code, '') as field_code,
    max(dossiers.field_name) as field_name,
    count(*)::int as received_total,
    count(*) filter (where dossiers.receipt_class = 'received_new')::int as received_new,
    count(*) filter (
        where dossiers.receipt_class = 'received_new' and dossiers.channel_code = '2'
    )::int as received_online,
    count(*) filter (
        where dossiers.receipt_class = 'received_new' and dossiers.channel_code in ('1', '3')
    )::int as received_direct_and_postal,
    count(*) filter (where dossiers.receipt_class = 'carried_over')::int as received_carried_over,
    count(*) filter (where dossiers.outcome = 'resolved')::int as resolved_total,
    count(*) filter (
        where dossiers.outcome = 'resolved' and dossiers.timeliness = 'early'
    )::int as resolved_early,
    count(*) filter (
        where dossiers.outcome = 'resolved' and dossiers.timeliness = 'on_time'
    )::int as resolved_on_time,
    count(*) filter (
        where dossiers.outcome = 'resolved' and dossiers.timeliness = 'late'
    )::int as resolved_late,
    count(*) filter (where dossiers.outcome = 'in_progress')::int as in_progress_total,
    count(*) filter (
        where dossiers.outcome = 'in_progress' and dossiers.timeliness = 'within_due'
    )::int as in_progress_within_due,
    count(*) filter (
        where dossiers.outcome = 'in_progress' and dossiers.timeliness = 'overdue'
    )::int as in_progress_overdue,
    count(*) filter (where dossiers.outcome = 'withdrawn')::int as withdrawn,
    count(*) filter (where dossiers.outcome = 'stopped')::int as stopped
from dossiers
group by
    dossiers.agency_code,
    dossiers.report_year,
    dossiers.as_of_date,
    coalesce(dossiers.field_code, '')
