{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['reporting_agency_code', 'report_year', 'as_of_date'],
        on_schema_change='fail'
    )
}}
{#-
    The dossier figures of a report split by the agency that received the dossiers: one
    row per reporting agency, report year, as-of date and member of the report's universe
    (int_report_universe). For a merged Department's report it gives "of which Sở GDĐT X
    (until valid_to) received N"; for any other the one row equals rpt_dossier_figures.
    Same counts as rpt_dossier_figures (macro dossier_counts).
-#}

with

members as (

    select * from {{ ref('int_report_universe') }}

),

dossiers as (

    select * from {{ ref('int_dossier_as_of') }}
    where is_counted

),

counts as (

    select
        agency_code as reporting_agency_code,
        source_agency_code,
        as_of_date,
        {{ dossier_counts() }}
    from dossiers
    group by agency_code, source_agency_code, as_of_date

)

select
    members.reporting_agency_code,
    members.source_agency_code,
    members.source_agency_name,
    members.is_predecessor,
    members.source_valid_to,
    members.report_year,
    members.as_of_date,
    coalesce(counts.received, 0)::int as dossiers_received,
    coalesce(counts.received_new, 0)::int as dossiers_received_new,
    coalesce(counts.carried_over, 0)::int as dossiers_carried_over,
    coalesce(counts.received_online, 0)::int as dossiers_received_online,
    coalesce(counts.received_direct, 0)::int as dossiers_received_direct,
    coalesce(counts.received_bcci, 0)::int as dossiers_received_bcci,
    coalesce(counts.resolved, 0)::int as dossiers_resolved,
    (coalesce(counts.resolved_early, 0) + coalesce(counts.resolved_on_time, 0))::int
        as dossiers_resolved_early_or_on_time,
    coalesce(counts.resolved_late, 0)::int as dossiers_resolved_late,
    coalesce(counts.in_progress, 0)::int as dossiers_in_progress,
    coalesce(counts.withdrawn, 0)::int as dossiers_withdrawn,
    coalesce(counts.stopped, 0)::int as dossiers_stopped
from members
left join counts
    on
        members.reporting_agency_code = counts.reporting_agency_code
        and members.source_agency_code = counts.source_agency_code
        and members.as_of_date = counts.as_of_date
