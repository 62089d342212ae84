{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['agency_code', 'as_of_date'],
        on_schema_change='fail'
    )
}}
{#-
    The service-quality indicators of Decision 766/QĐ-TTg (contracts/indicators_766.md):
    one row per reporting agency, period (every month, quarter and year of macro
    periods_766, cut at the as-of date), as-of date, indicator and breakdown. A
    successor's periods after a merger count its predecessors' dossiers (macro
    periods_766); 3.1 is the reporting agency's own catalogue: a predecessor's no longer
    is in force at the end of those periods.
    - 2.1, 3.3, 3.6, 4.1-4.4: counted from rpt_indicator_766_dossiers (so the two marts
      always add up); 2.2 from int_dossier_processing_766; 3.1 from the catalogue
      version in force at the end of the period.
    - breakdown 'all'; for 2.2 also one row per procedure code with finished dossiers;
      3.1 'full_online' (toan_trinh among the procedures with DuDieuKienToanTrinh); 3.3
      'direct' (KenhThucHien 1 or empty) and 'postal' (3) shares of the same universe.
    - rate = 100 * numerator / denominator, two decimals (null when the denominator is
      0); for 2.2 (unit working_days) the average processing time, one decimal.
    - score_ratio = min(1, rate / threshold) where the decision sets a threshold.
-#}

with

agencies as (

    select
        agency_code,
        agency_name
    from {{ ref('dim_agency') }}
    where is_current

),

-- the periods of each report (its own rows: a predecessor's rows of macro periods_766
-- only say which of its dossiers the successor's period holds)
periods as (

    select * from ({{ periods_766(ref('int_report_universe')) }}) as all_periods
    where not is_predecessor

),

indicators as (

    select *
    from (
        values
        ('2.1', 'all', 'Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn', 'percent', null::numeric),
        ('2.2', 'all', 'Thời gian giải quyết trung bình', 'working_days', null),
        ('3.1', 'all', 'Tỷ lệ TTHC cung cấp DVC trực tuyến', 'percent', 80),
        ('3.1', 'full_online', 'Tỷ lệ TTHC cung cấp DVC trực tuyến toàn trình', 'percent', null),
        ('3.3', 'all', 'Tỷ lệ hồ sơ nộp trực tuyến', 'percent', 50),
        ('3.3', 'direct', 'Tỷ lệ hồ sơ nộp trực tiếp', 'percent', null),
        ('3.3', 'postal', 'Tỷ lệ hồ sơ nộp qua dịch vụ bưu chính', 'percent', null),
        ('3.6', 'all', 'Tỷ lệ hồ sơ thanh toán trực tuyến', 'percent', null),
        ('4.1', 'all', 'Tỷ lệ hồ sơ có kết quả điện tử', 'percent', null),
        ('4.2', 'all', 'Tỷ lệ hồ sơ số hóa', 'percent', 80),
        ('4.3', 'all', 'Tỷ lệ khai thác, sử dụng lại dữ liệu số hóa', 'percent', 80),
        ('4.4', 'all', 'Tỷ lệ hồ sơ kết nối kho dữ liệu cá nhân', 'percent', null)
    ) as listed (indicator_id, breakdown, indicator_name, unit, threshold)

),

grid as (

    select
        agencies.agency_code,
        agencies.agency_name,
        periods.as_of_date,
        periods.period_kind,
        periods.period_start,
        periods.period_end_date,
        periods.period_label,
        indicators.indicator_id,
        indicators.breakdown,
        indicators.indicator_name,
        indicators.unit,
        indicators.threshold
    from periods
    inner join agencies
        on periods.agency_code = agencies.agency_code
    cross join indicators

),

dossier_rows as (

    select dossiers.*
    from {{ ref('rpt_indicator_766_dossiers') }} as dossiers
    where dossiers.as_of_date in (
        select requested.as_of_date from ({{ report_as_of_dates() }}) as requested
    )

),

processing as (

    select * from {{ ref('int_dossier_processing_766') }}
    where is_in_2_2

),

catalogue as (

    select
        periods.agency_code,
        periods.as_of_date,
        periods.period_kind,
        periods.period_start,
        versions.online_service_effective,
        versions.is_full_online_eligible
    from {{ ref('int_procedure_versions') }} as versions
    inner join periods
        on
            versions.agency_code = periods.agency_code
            and {{ version_in_force_766('versions', 'periods.period_end_at') }}

),

-- every member of an indicator's denominator, per breakdown, with its part of the
-- numerator (1 / 0 for a share, the working days for the average 2.2)
members as (

    select
        dossier_rows.agency_code,
        dossier_rows.as_of_date,
        dossier_rows.period_kind,
        dossier_rows.period_start,
        dossier_rows.indicator_id,
        breakdowns.breakdown,
        breakdowns.is_counted::int as numerator_part
    from dossier_rows
    cross join
        lateral (
            values
            ('all', dossier_rows.is_in_numerator, true),
            (
                'direct',
                coalesce(dossier_rows.channel_code, '1') = '1',
                dossier_rows.indicator_id = '3.3'
            ),
            (
                'postal',
                coalesce(dossier_rows.channel_code = '3', false),
                dossier_rows.indicator_id = '3.3'
            )
        ) as breakdowns (breakdown, is_counted, is_member)
    where breakdowns.is_member

    union all

    select
        processing.agency_code,
        processing.as_of_date,
        processing.period_kind,
        processing.period_start,
        '2.2' as indicator_id,
        breakdowns.breakdown,
        processing.processing_working_days as numerator_part
    from processing
    cross join
        lateral (
            values ('all'), (processing.procedure_code)
        ) as breakdowns (breakdown)

    union all

    select
        catalogue.agency_code,
        catalogue.as_of_date,
        catalogue.period_kind,
        catalogue.period_start,
        '3.1' as indicator_id,
        breakdowns.breakdown,
        breakdowns.is_counted::int as numerator_part
    from catalogue
    cross join
        lateral (
            values
            ('all', catalogue.online_service_effective in ('toan_trinh', 'mot_phan'), true),
            (
                'full_online',
                catalogue.online_service_effective = 'toan_trinh',
                coalesce(catalogue.is_full_online_eligible, false)
            )
        ) as breakdowns (breakdown, is_counted, is_member)
    where breakdowns.is_member

),

counts as (

    select
        agency_code,
        as_of_date,
        period_kind,
        period_start,
        indicator_id,
        breakdown,
        sum(numerator_part)::numeric as numerator,
        count(*) as denominator
    from members
    group by agency_code, as_of_date, period_kind, period_start, indicator_id, breakdown

),

-- the grid with its counts (zero where nothing counts); the row 2.2 'all' also takes the
-- counts of each procedure, as rows of their own breakdown
keyed as (

    select
        grid.agency_code,
        grid.agency_name,
        grid.as_of_date,
        grid.period_kind,
        grid.period_start,
        grid.period_end_date,
        grid.period_label,
        grid.indicator_id,
        coalesce(counts.breakdown, grid.breakdown) as breakdown,
        grid.indicator_name,
        grid.unit,
        grid.threshold,
        coalesce(counts.numerator, 0) as numerator,
        coalesce(counts.denominator, 0) as denominator
    from grid
    left join counts
        on
            grid.agency_code = counts.agency_code
            and {{ same_period_766('grid', 'counts') }}
            and grid.indicator_id = counts.indicator_id
            and (
                grid.breakdown = counts.breakdown
                or (grid.indicator_id = '2.2' and grid.breakdown = 'all')
            )

),

rated as (

    select
        *,
        case
            when denominator = 0 then null
            when unit = 'working_days' then round(numerator / denominator, 1)
            else round(100.0 * numerator / denominator, 2)
        end as rate
    from keyed

)

select
    agency_code,
    agency_name,
    period_kind::text as period_kind,
    period_start::date as period_start,
    period_end_date::date as period_end_date,
    period_label::text as period_label,
    as_of_date::date as as_of_date,
    indicator_id::text as indicator_id,
    breakdown::text as breakdown,
    indicator_name::text as indicator_name,
    unit::text as unit,
    round(numerator, 2)::numeric(14, 2) as numerator,
    denominator::int as denominator,
    rate::numeric(9, 2) as rate,
    threshold::numeric(5, 2) as threshold,
    -- least() ignores nulls: no threshold or no rate, no score
    case
        when threshold is not null and rate is not null
            then round(least(1, rate / threshold), 4)
    end::numeric(5, 4) as score_ratio
from rated
