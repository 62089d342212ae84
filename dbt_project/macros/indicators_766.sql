{#-
    Building blocks of the Decision 766 indicators (contracts/indicators_766.md).
-#}

{#-
    The periods of the indicators as a query: for every as-of date asked for (macro
    report_as_of_dates), every calendar month, quarter and year that starts on or before
    it, from 1 January of the year before the as-of date's year (var
    `indicators_766_years`, default 2: the as-of year and the one before it), each cut at
    the as-of date. Columns: as_of_date, period_kind (month / quarter / year),
    period_start, period_end_date (inclusive), period_label ('2025-07', '2025-Q3',
    '2025'), period_start_at and period_end_at (local midnights, end exclusive).
-#}
{% macro periods_766() -%}
    {%- set tz = var('source_timezone') -%}
    {%- set years = var('indicators_766_years', 2) | int -%}
    select
        periods.as_of_date,
        periods.period_kind,
        periods.period_start,
        least(periods.natural_end, periods.as_of_date) as period_end_date,
        case periods.period_kind
            when 'month' then to_char(periods.period_start, 'YYYY-MM')
            when 'quarter'
                then to_char(periods.period_start, 'YYYY') || '-Q'
                || extract(quarter from periods.period_start)::int
            else to_char(periods.period_start, 'YYYY')
        end as period_label,
        periods.period_start::timestamp at time zone '{{ tz }}' as period_start_at,
        (least(periods.natural_end, periods.as_of_date) + 1)::timestamp
        at time zone '{{ tz }}' as period_end_at
    from (
        select
            as_of_dates.as_of_date,
            kinds.period_kind,
            starts.period_start::date as period_start,
            (starts.period_start + kinds.step - interval '1 day')::date as natural_end
        from ({{ report_as_of_dates() }}) as as_of_dates
        cross join (
            values
            ('month', interval '1 month'),
            ('quarter', interval '3 months'),
            ('year', interval '1 year')
        ) as kinds (period_kind, step)
        cross join lateral generate_series(
            date_trunc('year', as_of_dates.as_of_date::timestamp)
            - interval '1 year' * ({{ years }} - 1),
            as_of_dates.as_of_date::timestamp,
            kinds.step
        ) as starts (period_start)
    ) as periods
{%- endmacro %}


{#-
    Vietnam's working-day calendar as a query: one row per day of the date spine (vars
    date_spine_start / date_spine_end) with is_working_day (not Saturday, Sunday or a
    public holiday of the seed vn_public_holidays) and working_days_before (working days
    from the spine's start up to the day before). The working time elapsed up to an
    instant t of local day d is working_days_before(d) + (the fraction of d elapsed when d
    is a working day): differences of it count working days, time of day included.
-#}
{% macro working_calendar() -%}
    select
        days.calendar_date,
        days.is_working_day,
        coalesce(
            sum(days.is_working_day::int) over (
                order by days.calendar_date
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as working_days_before
    from (
        select
            spine.day::date as calendar_date,
            extract(isodow from spine.day) < 6
            and not exists (
                select 1
                from {{ ref('vn_public_holidays') }} as holidays
                where holidays.holiday_date = spine.day::date
            ) as is_working_day
        from generate_series(
            '{{ var("date_spine_start") }}'::date,
            '{{ var("date_spine_end") }}'::date,
            interval '1 day'
        ) as spine (day)
    ) as days
{%- endmacro %}


{#- Fraction of its local day elapsed at a timestamptz (0 <= x < 1). -#}
{% macro local_day_fraction(expression) -%}
    (
        extract(epoch from (
            ({{ expression }} at time zone '{{ var("source_timezone") }}')
            - ({{ expression }} at time zone '{{ var("source_timezone") }}')::date::timestamp
        )) / 86400.0
    )
{%- endmacro %}
