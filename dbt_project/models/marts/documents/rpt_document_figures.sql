{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['agency_code', 'report_year', 'as_of_date'],
        on_schema_change='fail',
        tags=['documents']
    )
}}
{#-
    The documents section of the annual report (contracts/report_figures.md), one row per
    agency, report year and as-of date; column = 'documents_' + JSON key. Counted by
    ngay_den (incoming) / ngay_ban_hanh (outgoing) from 1 January to the as-of date;
    secret documents counted apart; signed = the package carries an XML-DSig Signature;
    processed_on_time = completed on or before min(deadline, as-of date).
-#}

with

as_of_dates as (

    {{ report_as_of_dates() }}

),

report_rows as (

    select
        agencies.agency_code,
        agencies.agency_name,
        extract(year from as_of_dates.as_of_date)::int as report_year,
        as_of_dates.as_of_date
    from {{ ref('dim_agency') }} as agencies
    cross join as_of_dates
    where agencies.is_current

),

-- A report's documents: those of its universe (int_report_universe: its own and, after
-- a merger, its predecessors'), dated in its period.
documents as (

    select
        documents.document_id,
        documents.direction,
        documents.is_secret,
        documents.is_signed,
        documents.is_via_axis,
        documents.due_date,
        documents.completed_date,
        universe.reporting_agency_code as agency_code,
        universe.as_of_date,
        universe.effective_as_of_date
    from {{ ref('fct_document') }} as documents
    inner join {{ ref('int_report_universe') }} as universe
        on
            documents.agency_code = universe.source_agency_code
            and documents.counted_date between
            universe.period_start_date and universe.effective_as_of_date

),

figures as (

    select
        agency_code,
        as_of_date,
        {{ document_counts() }}
    from documents
    group by agency_code, as_of_date

)

select
    report_rows.agency_code,
    report_rows.agency_name,
    report_rows.report_year,
    report_rows.as_of_date,
    coalesce(figures.incoming, 0)::int as documents_incoming,
    coalesce(figures.outgoing, 0)::int as documents_outgoing,
    coalesce(figures.secret_excluded, 0)::int as documents_secret_excluded,
    coalesce(figures.incoming_signed, 0)::int as documents_incoming_signed,
    coalesce(figures.outgoing_signed, 0)::int as documents_outgoing_signed,
    round(100.0 * figures.incoming_signed / nullif(figures.incoming, 0), 1)::numeric(4, 1)
        as documents_pct_incoming_signed,
    round(100.0 * figures.outgoing_signed / nullif(figures.outgoing, 0), 1)::numeric(4, 1)
        as documents_pct_outgoing_signed,
    coalesce(figures.via_axis, 0)::int as documents_via_axis,
    coalesce(figures.processed_on_time, 0)::int as documents_processed_on_time
from report_rows
left join figures
    on
        report_rows.agency_code = figures.agency_code
        and report_rows.as_of_date = figures.as_of_date
