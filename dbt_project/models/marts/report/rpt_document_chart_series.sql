{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['agency_code', 'report_year', 'as_of_date'],
        on_schema_change='fail'
    )
}}
{#-
    The report's e-Office chart as series (long format, like rpt_dossier_chart_series):
    documents_by_channel = documents counted in period P (counted_date from 1 January to
    the as-of date, as rpt_document_figures counts them) per channel (category) and
    direction (series); secret documents are counted apart and never charted.
-#}

with

as_of_dates as (

    {{ report_as_of_dates() }}

),

documents as (

    select
        documents.agency_code,
        as_of_dates.as_of_date,
        coalesce(documents.channel_code, 'unknown') as channel_code,
        documents.direction
    from {{ ref('fct_document') }} as documents
    inner join as_of_dates
        on
            documents.counted_date between
            make_date(extract(year from as_of_dates.as_of_date)::int, 1, 1)
            and as_of_dates.as_of_date
    where not documents.is_secret

)

select
    agency_code,
    extract(year from as_of_date)::int as report_year,
    as_of_date,
    'documents_by_channel'::text as chart_key,
    (dense_rank() over (
        partition by agency_code, as_of_date order by channel_code
    ))::int as category_order,
    channel_code::text as category_code,
    direction::text as series_code,
    count(*)::int as series_value
from documents
group by agency_code, as_of_date, channel_code, direction
