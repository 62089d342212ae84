{#-
    Ephemeral: it depends on var `report_as_of_dates` (see int_dossier_as_of).

    THE rule of whose records a report counts (contracts/agencies.md, "Figures of a
    merged agency"). One row per reporting agency, as-of date asked for, and member
    agency whose records belong to that report:
    - every agency's report counts its own records, up to the as-of date, or up to its
      valid_to when asked later (a predecessor's report stops where the agency stopped);
    - a successor's report also counts every predecessor's records (transitively) once
      the as-of date is past the predecessor's valid_to: from then on the successor
      answers for them. Before that the predecessor was another Department, so a report
      of a period before the merger, asked after it, is unchanged by it.
    Each member row says until when its records count (effective_as_of_date).
-#}
{{ config(materialized='ephemeral') }}

with recursive

agencies as (

    select
        agency_code,
        agency_name,
        valid_to,
        successor_agency_code
    from {{ ref('dim_agency') }}
    where is_current

),

members (reporting_agency_code, source_agency_code, source_valid_to, depth) as (

    select
        agency_code as reporting_agency_code,
        agency_code as source_agency_code,
        null::date as source_valid_to,
        0 as depth
    from agencies

    union all

    select
        members.reporting_agency_code,
        predecessors.agency_code,
        predecessors.valid_to,
        members.depth + 1
    from members
    inner join agencies as predecessors
        on members.source_agency_code = predecessors.successor_agency_code
    where members.depth < 20  -- a register with a cycle is refused at start-up; a guard

),

as_of_dates as (

    {{ report_as_of_dates() }}

)

select
    members.reporting_agency_code,
    reporting.agency_name as reporting_agency_name,
    members.source_agency_code,
    sources.agency_name as source_agency_name,
    members.depth > 0 as is_predecessor,
    as_of_dates.as_of_date,
    extract(year from as_of_dates.as_of_date)::int as report_year,
    date_trunc('year', as_of_dates.as_of_date)::date as period_start_date,
    least(as_of_dates.as_of_date, reporting.valid_to) as effective_as_of_date,
    members.source_valid_to
from members
inner join agencies as reporting
    on members.reporting_agency_code = reporting.agency_code
inner join agencies as sources
    on members.source_agency_code = sources.agency_code
cross join as_of_dates
where members.depth = 0 or as_of_dates.as_of_date > members.source_valid_to
