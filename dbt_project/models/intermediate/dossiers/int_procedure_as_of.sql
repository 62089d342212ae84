{#-
    Ephemeral, not a view: it depends on var `report_as_of_dates`, so it is compiled into
    each model that reads it with the as-of dates of that very run (a view would keep the
    dates of the run that created it).
-#}
{{ config(materialized='ephemeral') }}

{#-
    One row per catalogue procedure and as-of date asked for (var `report_as_of_dates`),
    for the agencies the warehouse reports for (int_report_universe):
    the version of the procedure in force at the end of the as-of day.

    History only starts with the first snapshot, so the first known version of a
    procedure also stands for the time before it (otherwise a report for a date before
    the first load would find an empty catalogue).
-#}

with

versions as (

    select
        agency_code,
        procedure_code,
        procedure_name,
        field_code,
        field_name,
        service_level,
        is_bcci_enabled,
        dbt_valid_from as valid_from,
        dbt_valid_to as valid_to,
        row_number() over (
            partition by agency_code, procedure_code order by dbt_valid_from
        ) = 1 as is_first_version
    from {{ ref('snap_motcua__thutuc') }}

),

-- Each agency's own catalogue, at the end of its effective as-of day (an agency asked
-- after its valid_to: its catalogue on its last day; int_report_universe).
as_of_dates as (

    select
        reporting_agency_code as agency_code,
        as_of_date,
        (effective_as_of_date + 1)::timestamp at time zone '{{ var("source_timezone") }}'
            as as_of_end
    from {{ ref('int_report_universe') }}
    where not is_predecessor

)

select
    versions.agency_code,
    versions.procedure_code,
    as_of_dates.as_of_date,
    extract(year from as_of_dates.as_of_date)::int as report_year,
    versions.procedure_name,
    versions.field_code,
    versions.field_name,
    versions.service_level,
    versions.is_bcci_enabled,
    versions.valid_from,
    versions.valid_to
from versions
inner join as_of_dates
    on
        versions.agency_code = as_of_dates.agency_code
        and (versions.is_first_version or versions.valid_from < as_of_dates.as_of_end)
        and (versions.valid_to is null or versions.valid_to >= as_of_dates.as_of_end)
