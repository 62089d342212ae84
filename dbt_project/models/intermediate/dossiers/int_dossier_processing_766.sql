{#-
    Ephemeral: it depends on var `report_as_of_dates` (like int_dossier_as_of).
-#}
{{ config(materialized='ephemeral') }}

{#-
    THE place of the portal's processing-time rule of Decision 766 (indicators 2.1 and
    2.2, contracts/indicators_766.md "2.1 in detail"); the Biểu 06 rule (calendar dates)
    stays in int_dossier_as_of.

    One row per report (reporting agency `agency_code`, as-of date), period (macro
    periods_766: a successor's periods after a merger hold its predecessors' dossiers) and
    received dossier of the 2.1 universe: finished in the period, or unfinished at the
    end of the period and received on or before it. `source_agency_code` is the agency
    that received the dossier.
    - Finish: the first QuaTrinhXuLy step with status 9, else 10, else 8 / 3 / 7;
      NgayKetThucXuLy (with the dossier's status) when it has no step.
    - Supplement requests: a status-5 step (a run of them is one request) until the next
      step of another status. Still waiting at the end of the period: processing ends
      at the request. The time of the completed requests before the end is subtracted.
    - On time: end - supplement time <= NgayHenTra as timestamps; more than one request
      is late whatever the times; no NgayHenTra: processing time <= ThoiHanGiaiQuyet of
      the procedure version in force at the end of the period (in its DonViTinh).
    - Processing time: working days (Saturdays, Sundays and public holidays excluded, time
      of day counted as a fraction of the day) from NgayTiepNhan to the end, less the
      working days of the subtracted supplements.
-#}

with

calendar as (

    {{ working_calendar() }}

),

periods as (

    {{ periods_766(ref('int_report_universe')) }}

),

dossiers as (

    select
        dossier_code,
        agency_code as source_agency_code,
        procedure_code,
        status_code,
        received_at,
        due_at,
        finished_at,
        processing_steps
    from {{ ref('int_dossiers') }}
    where
        received_at is not null
        and status_group is not null
        and status_group != 'not_received'

),

steps as (

    select
        dossiers.dossier_code,
        step.status_code,
        step.step_at,
        row_number() over (
            partition by dossiers.dossier_code order by step.step_at, step.step_no
        ) as step_seq
    from dossiers
    cross join
        lateral (
            select
                elements.item ->> 'status_code' as status_code,
                elements.step_no,
                {{ parse_vn_timestamp("elements.item ->> 'at'") }} as step_at
            from
                jsonb_array_elements(dossiers.processing_steps)
                with ordinality as elements (item, step_no)
        ) as step
    where step.step_at is not null

),

finishes as (

    select
        dossier_code,
        step_at as finish_at,
        status_code as finish_status,
        row_number() over (
            partition by dossier_code
            order by
                case status_code when '9' then 1 when '10' then 2 else 3 end,
                step_seq
        ) as finish_rank
    from steps
    where status_code in ('9', '10', '8', '3', '7')

),

with_steps as (

    select distinct dossier_code
    from steps

),

dossier_finishes as (

    select
        dossiers.dossier_code,
        dossiers.source_agency_code,
        dossiers.procedure_code,
        dossiers.received_at,
        dossiers.due_at,
        case
            when with_steps.dossier_code is not null then finishes.finish_at
            else dossiers.finished_at
        end as finish_at,
        case
            when with_steps.dossier_code is not null then finishes.finish_status
            when dossiers.finished_at is not null then dossiers.status_code
        end as finish_status
    from dossiers
    left join with_steps
        on dossiers.dossier_code = with_steps.dossier_code
    left join finishes
        on
            dossiers.dossier_code = finishes.dossier_code
            and finishes.finish_rank = 1

),

marked_steps as (

    select
        dossier_code,
        status_code,
        step_at,
        lag(status_code) over (
            partition by dossier_code order by step_seq
        ) as previous_status,
        min(step_at) filter (where status_code != '5') over (
            partition by dossier_code
            order by step_seq
            rows between 1 following and unbounded following
        ) as next_other_at
    from steps

),

requests as (

    select
        marked_steps.dossier_code,
        marked_steps.step_at as request_at,
        marked_steps.next_other_at as request_end_at,
        {{ working_time_766('request_day', 'marked_steps.step_at') }} as request_work,
        {{ working_time_766('end_day', 'marked_steps.next_other_at') }} as request_end_work
    from marked_steps
    left join calendar as request_day
        on request_day.calendar_date = {{ local_date('marked_steps.step_at') }}
    left join calendar as end_day
        on end_day.calendar_date = {{ local_date('marked_steps.next_other_at') }}
    where
        marked_steps.status_code = '5'
        and marked_steps.previous_status is distinct from '5'

),

dossier_periods as (

    select
        dossier_finishes.*,
        periods.agency_code,
        {{ period_columns_766('periods') }},
        periods.period_start_at,
        periods.period_end_at,
        coalesce(dossier_finishes.finish_at < periods.period_end_at, false) as is_finished,
        case
            when dossier_finishes.finish_at < periods.period_end_at
                then dossier_finishes.finish_at
            else periods.period_end_at
        end as stop_at
    from dossier_finishes
    inner join periods
        on
            dossier_finishes.source_agency_code = periods.source_agency_code
            and dossier_finishes.received_at < periods.period_end_at
            and (
                dossier_finishes.finish_at is null
                or dossier_finishes.finish_at >= periods.period_start_at
            )

),

waits as (

    select
        dossier_periods.dossier_code,
        dossier_periods.agency_code,
        dossier_periods.as_of_date,
        dossier_periods.period_kind,
        dossier_periods.period_start,
        count(*) as supplement_requests,
        min(requests.request_at) filter (
            where
            not dossier_periods.is_finished
            and (
                requests.request_end_at is null
                or requests.request_end_at >= dossier_periods.stop_at
            )
        ) as waiting_since
    from dossier_periods
    inner join requests
        on
            dossier_periods.dossier_code = requests.dossier_code
            and dossier_periods.stop_at > requests.request_at
    group by
        dossier_periods.dossier_code,
        dossier_periods.agency_code,
        dossier_periods.as_of_date,
        dossier_periods.period_kind,
        dossier_periods.period_start

),

ends as (

    select
        dossier_periods.*,
        coalesce(waits.supplement_requests, 0) as supplement_requests,
        waits.waiting_since is not null as is_waiting_for_supplement,
        coalesce(waits.waiting_since, dossier_periods.stop_at) as end_of_processing_at
    from dossier_periods
    left join waits
        on
            dossier_periods.dossier_code = waits.dossier_code
            and {{ same_period_766('dossier_periods', 'waits') }}

),

supplements as (

    select
        ends.dossier_code,
        ends.agency_code,
        ends.as_of_date,
        ends.period_kind,
        ends.period_start,
        sum(requests.request_end_at - requests.request_at) as supplement_time,
        sum(requests.request_end_work - requests.request_work) as supplement_working_days
    from ends
    inner join requests
        on
            ends.dossier_code = requests.dossier_code
            and ends.end_of_processing_at >= requests.request_end_at
    group by
        ends.dossier_code, ends.agency_code, ends.as_of_date, ends.period_kind, ends.period_start

),

procedure_versions as (

    select * from {{ ref('int_procedure_versions') }}

),

measured as (

    select
        ends.*,
        coalesce(supplements.supplement_time, interval '0') as supplement_time,
        ends.end_of_processing_at
        - coalesce(supplements.supplement_time, interval '0') as adjusted_end_at,
        {{ working_time_766('end_day', 'ends.end_of_processing_at') }}
        - {{ working_time_766('received_day', 'ends.received_at') }}
        - coalesce(supplements.supplement_working_days, 0) as processing_working_days,
        procedure_versions.max_processing_time,
        procedure_versions.max_processing_time_unit
    from ends
    left join supplements
        on
            ends.dossier_code = supplements.dossier_code
            and {{ same_period_766('ends', 'supplements') }}
    left join calendar as end_day
        on end_day.calendar_date = {{ local_date('ends.end_of_processing_at') }}
    left join calendar as received_day
        on received_day.calendar_date = {{ local_date('ends.received_at') }}
    left join procedure_versions
        on {{ version_in_force_766('procedure_versions', 'ends.period_end_at', of='ends') }}

),

judged as (

    select
        *,
        case
            when supplement_requests > 1 then 'late_supplement_twice'
            when due_at is not null and adjusted_end_at <= due_at then null
            when due_at is not null then 'late'
            when max_processing_time is null then 'no_due_date'
            when
                max_processing_time_unit = 'ngay'
                and extract(epoch from adjusted_end_at - received_at) / 86400.0
                <= max_processing_time then null
            when
                max_processing_time_unit = 'gio'
                and extract(epoch from adjusted_end_at - received_at) / 3600.0
                <= max_processing_time then null
            when
                coalesce(max_processing_time_unit, 'ngay_lam_viec') = 'ngay_lam_viec'
                and processing_working_days <= max_processing_time then null
            else 'late_over_max_time'
        end as reason_2_1
    from measured

)

select
    agency_code,
    source_agency_code,
    dossier_code,
    procedure_code,
    as_of_date,
    period_kind,
    period_start,
    period_end_date,
    period_label,
    received_at,
    due_at,
    finish_at,
    finish_status,
    is_finished,
    is_waiting_for_supplement,
    supplement_requests::int as supplement_requests,
    supplement_time,
    end_of_processing_at,
    adjusted_end_at,
    -- four decimals: the sum of 24-hour fractions is exact to far below that
    round(processing_working_days, 4) as processing_working_days,
    max_processing_time,
    max_processing_time_unit,
    reason_2_1 is null as is_on_time,
    reason_2_1,
    coalesce(
        is_finished
        and finish_status in ('9', '10')
        and received_at >= period_start_at,
        false
    ) as is_in_2_2
from judged
