{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['agency_code', 'report_year', 'as_of_date'],
        on_schema_change='fail'
    )
}}
{#-
    The report's dossier charts as series, one row per agency, report year, as-of date,
    chart, category and series (long format; the report pivots, never counts):
    - dossiers_by_month: dossiers received in period P (received_new of int_dossier_as_of)
      per month of receipt up to the as-of date and receipt channel, zeros included;
    - timeliness: resolved early / on time / late and in progress, the columns of
      rpt_dossier_figures (series 'dossiers').
    Incremental like rpt_dossier_figures: a run replaces the as-of dates it was asked for.
-#}

with

as_of_dates as (

    {{ report_as_of_dates() }}

),

agencies as (

    select agency_code from {{ ref('dim_agency') }}
    where is_current

),


months as (

    select
        as_of_dates.as_of_date,
        month_no
    from as_of_dates
    cross join lateral generate_series(
        1, extract(month from as_of_dates.as_of_date)::int
    ) as month_no

),

received as (

    select
        agency_code,
        as_of_date,
        extract(month from received_date)::int as month_no,
        coalesce(channel_code, 'unknown') as channel_code,
        count(*) as dossiers
    from {{ ref('int_dossier_as_of') }}
    where receipt_class = 'received_new'
    group by 1, 2, 3, 4

),

channels as (

    -- every channel of the register, and any other code a dossier carries
    select channel_code from {{ ref('dim_channel') }}
    union
    select channel_code from received

),

by_month as (

    select
        agencies.agency_code,
        months.as_of_date,
        'dossiers_by_month' as chart_key,
        months.month_no as category_order,
        months.month_no::text as category_code,
        channels.channel_code as series_code,
        coalesce(received.dossiers, 0) as series_value
    from agencies
    cross join months
    cross join channels
    left join received
        on
            agencies.agency_code = received.agency_code
            and months.as_of_date = received.as_of_date
            and months.month_no = received.month_no
            and channels.channel_code = received.channel_code

),

figures as (

    select figures.*
    from {{ ref('rpt_dossier_figures') }} as figures
    inner join as_of_dates on figures.as_of_date = as_of_dates.as_of_date

),

timeliness as (

    select
        figures.agency_code,
        figures.as_of_date,
        'timeliness' as chart_key,
        categories.category_order,
        categories.category_code,
        'dossiers' as series_code,
        categories.series_value
    from figures
    cross join lateral (
        values
        (1, 'resolved_early', figures.dossiers_resolved_early),
        (2, 'resolved_on_time', figures.dossiers_resolved_on_time),
        (3, 'resolved_late', figures.dossiers_resolved_late),
        (4, 'in_progress', figures.dossiers_in_progress)
    ) as categories (category_order, category_code, series_value)

),

series as (

    select * from by_month
    union all
    select * from timeliness

)

select
    agency_code,
    extract(year from as_of_date)::int as report_year,
    as_of_date,
    chart_key,
    category_order::int as category_order,
    category_code::text as category_code,
    series_code::text as series_code,
    series_value::int as series_value
from series
