{#-
    Building blocks of the Decision 766 indicators (contracts/indicators_766.md).
-#}

{#-
    The periods of the indicators as a query, per report and member of its universe
    (`universe`: int_report_universe, as a relation). For every reporting agency and
    as-of date asked for: every calendar month, quarter and year that starts on or before
    the report's effective as-of date (the as-of date, or the agency's valid_to when it
    ended before), from 1 January of the year before the as-of date's year (var
    `indicators_766_years`, default 2: the as-of year and the one before it), each cut at
    the effective as-of date.
    A predecessor's records belong to a period of its successor's only when the period
    ends after the predecessor's valid_to (contracts/agencies.md, "Figures of a merged
    agency"): the successor's 2025 and its 2025-Q3 count Kon Tum's dossiers, its months
    before July 2025 stay what they were, its own. It is the rule of int_report_universe
    (the annual report's period ends at its as-of date) applied to every period.
    Columns: agency_code (the reporting agency), source_agency_code, is_predecessor,
    as_of_date, period_kind (month / quarter / year), period_start, period_end_date
    (inclusive), period_label ('2025-07', '2025-Q3', '2025'), period_start_at and
    period_end_at (local midnights, end exclusive).
-#}
{% macro periods_766(universe) -%}
    {%- set tz = var('source_timezone') -%}
    {%- set years = var('indicators_766_years', 2) | int -%}
    select
        periods.agency_code,
        periods.source_agency_code,
        periods.is_predecessor,
        periods.as_of_date,
        periods.period_kind,
        periods.period_start,
        periods.period_end_date,
        case periods.period_kind
            when 'month' then to_char(periods.period_start, 'YYYY-MM')
            when 'quarter'
                then to_char(periods.period_start, 'YYYY') || '-Q'
                || extract(quarter from periods.period_start)::int
            else to_char(periods.period_start, 'YYYY')
        end as period_label,
        periods.period_start::timestamp at time zone '{{ tz }}' as period_start_at,
        (periods.period_end_date + 1)::timestamp at time zone '{{ tz }}' as period_end_at
    from (
        select
            universe.reporting_agency_code as agency_code,
            universe.source_agency_code,
            universe.is_predecessor,
            universe.source_valid_to,
            universe.as_of_date,
            kinds.period_kind,
            starts.period_start::date as period_start,
            least(
                (starts.period_start + kinds.step - interval '1 day')::date,
                universe.effective_as_of_date
            ) as period_end_date
        from {{ universe }} as universe
        cross join (
            values
            ('month', interval '1 month'),
            ('quarter', interval '3 months'),
            ('year', interval '1 year')
        ) as kinds (period_kind, step)
        cross join lateral generate_series(
            date_trunc('year', universe.as_of_date::timestamp)
            - interval '1 year' * ({{ years }} - 1),
            universe.effective_as_of_date::timestamp,
            kinds.step
        ) as starts (period_start)
    ) as periods
    where not periods.is_predecessor or periods.period_end_date > periods.source_valid_to
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


{#-
    The columns that name a period of macro periods_766, qualified by `relation` when
    given: every row of the Decision 766 models carries them.
-#}
{% macro period_columns_766(relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {{ prefix }}as_of_date,
    {{ prefix }}period_kind,
    {{ prefix }}period_start,
    {{ prefix }}period_end_date,
    {{ prefix }}period_label
{%- endmacro %}


{#- Two rows of the same report (reporting agency and as-of date) and period (a join condition). -#}
{% macro same_period_766(left, right) -%}
    {{ left }}.agency_code = {{ right }}.agency_code
    and {{ left }}.as_of_date = {{ right }}.as_of_date
    and {{ left }}.period_kind = {{ right }}.period_kind
    and {{ left }}.period_start = {{ right }}.period_start
{%- endmacro %}


{#- A timestamptz inside a period of macro periods_766 (end exclusive). -#}
{% macro in_period_766(moment, periods='periods') -%}
    ({{ moment }} >= {{ periods }}.period_start_at and {{ moment }} < {{ periods }}.period_end_at)
{%- endmacro %}


{#-
    The version of int_procedure_versions (as `versions`) in force at `moment` (a period's
    end_at, exclusive): the one valid just before it; with `of`, the version of that
    row's procedure in the catalogue of the agency that holds the row (source_agency_code,
    procedure_code). The first version of a procedure stands for the time before the
    catalogue was first read, so a dossier of an early period still finds its procedure.
-#}
{% macro version_in_force_766(versions, moment, of=none) -%}
    {%- if of %}
        {{ of }}.source_agency_code = {{ versions }}.agency_code
        and {{ of }}.procedure_code = {{ versions }}.procedure_code
        and
    {%- endif %}
    ({{ versions }}.is_first_version or {{ versions }}.valid_from < {{ moment }})
    and ({{ versions }}.valid_to is null or {{ versions }}.valid_to >= {{ moment }})
{%- endmacro %}


{#-
    The working time elapsed at `moment` in working days, counted from the start of the
    calendar (macro working_calendar), `day` being the calendar row of the moment's local
    date: the difference of two of these is the working days between the two moments.
-#}
{% macro working_time_766(day, moment) -%}
    (
        {{ day }}.working_days_before
        + case when {{ day }}.is_working_day then {{ local_day_fraction(moment) }} else 0 end
    )
{%- endmacro %}
