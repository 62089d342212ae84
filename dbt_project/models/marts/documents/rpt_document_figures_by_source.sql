{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['reporting_agency_code', 'report_year', 'as_of_date'],
        on_schema_change='fail',
        tags=['documents']
    )
}}
{#-
    The document figures of a report split by the agency whose e-Office holds them: one
    row per reporting agency, report year, as-of date and member of the report's universe
    (int_report_universe). For a merged Department's report it gives "of which Sở GDĐT X
    (until valid_to): N incoming documents"; for any other the one row equals
    rpt_document_figures. Same counts as rpt_document_figures (macro document_counts).
-#}

with

members as (

    select * from {{ ref('int_report_universe') }}

),

documents as (

    select
        documents.is_secret,
        documents.direction,
        documents.is_signed,
        documents.is_via_axis,
        documents.due_date,
        documents.completed_date,
        universe.reporting_agency_code,
        universe.source_agency_code,
        universe.as_of_date,
        universe.effective_as_of_date
    from {{ ref('fct_document') }} as documents
    inner join members as universe
        on
            documents.agency_code = universe.source_agency_code
            and documents.counted_date between
            universe.period_start_date and universe.effective_as_of_date

),

counts as (

    select
        reporting_agency_code,
        source_agency_code,
        as_of_date,
        {{ document_counts() }}
    from documents
    group by reporting_agency_code, source_agency_code, as_of_date

)

select
    members.reporting_agency_code,
    members.source_agency_code,
    members.source_agency_name,
    members.is_predecessor,
    members.source_valid_to,
    members.report_year,
    members.as_of_date,
    coalesce(counts.incoming, 0)::int as documents_incoming,
    coalesce(counts.outgoing, 0)::int as documents_outgoing,
    coalesce(counts.secret_excluded, 0)::int as documents_secret_excluded,
    coalesce(counts.incoming_signed, 0)::int as documents_incoming_signed,
    coalesce(counts.outgoing_signed, 0)::int as documents_outgoing_signed,
    coalesce(counts.via_axis, 0)::int as documents_via_axis,
    coalesce(counts.processed_on_time, 0)::int as documents_processed_on_time
from members
left join counts
    on
        members.reporting_agency_code = counts.reporting_agency_code
        and members.source_agency_code = counts.source_agency_code
        and members.as_of_date = counts.as_of_date
