{#-
    Ephemeral, not a view: it depends on var `report_as_of_dates`, so it is compiled into
    each model that reads it with the as-of dates of that very run (a view would keep the
    dates of the run that created it).
-#}
{{ config(materialized='ephemeral') }}

{#-
    THE place where the figures' definitions (contracts/motcua.md, "Figures") live.
    One row per reporting agency, as-of date asked for (var `report_as_of_dates`) and
    dossier of that report's universe (int_report_universe: the agency's own dossiers
    and, after a merger, its predecessors'); `agency_code` is the reporting agency,
    `source_agency_code` the agency that received the dossier.

    Period P = 1 January of the as-of date's year .. the as-of date, inclusive (for an
    agency asked after its valid_to: .. its valid_to, the effective as-of date). Every
    comparison is between local calendar dates, never times of day.
-#}

with

dossiers as (

    select
        dossier_code,
        agency_code as source_agency_code,
        procedure_code,
        field_code,
        field_name,
        channel_code,
        return_method_code,
        status_group,
        {{ local_date('received_at') }} as received_date,
        {{ local_date('due_at') }} as due_date,
        {{ local_date('finished_at') }} as finished_date
    from {{ ref('int_dossiers') }}

),

universe as (

    select * from {{ ref('int_report_universe') }}

),

dossier_periods as (

    select
        dossiers.*,
        universe.reporting_agency_code as agency_code,
        universe.as_of_date,
        universe.report_year,
        universe.period_start_date,
        universe.effective_as_of_date
    from dossiers
    inner join universe
        on dossiers.source_agency_code = universe.source_agency_code

),

received as (

    select
        *,
        case
            when
                received_date is null
                or status_group is null
                or status_group = 'not_received'
                then 'not_received'
            when received_date > effective_as_of_date then 'received_after_as_of'
            when received_date >= period_start_date then 'received_new'
            when finished_date < period_start_date then 'finished_before_period'
            else 'carried_over'
        end as receipt_class,
        coalesce(finished_date <= effective_as_of_date, false) as is_finished
    from dossier_periods

),

outcomes as (

    select
        *,
        receipt_class in ('received_new', 'carried_over') as is_counted,
        case
            when receipt_class not in ('received_new', 'carried_over') then null
            -- finished by the as-of date: its latest status says how
            when is_finished and status_group in ('resolved', 'withdrawn', 'stopped')
                then status_group
            -- not finished by the as-of date, whatever its later status (and, so that
            -- received = resolved + in_progress + withdrawn + stopped always holds, a
            -- finish date on a dossier whose latest status is not final)
            else 'in_progress'
        end as outcome
    from received

)

select
    dossier_code,
    as_of_date,
    report_year,
    period_start_date,
    effective_as_of_date,
    agency_code,
    source_agency_code,
    procedure_code,
    field_code,
    field_name,
    channel_code,
    return_method_code,
    status_group,
    received_date,
    due_date,
    finished_date,
    receipt_class,
    is_counted,
    outcome,
    -- a dossier without a due date cannot be shown on time: late / overdue
    case
        when outcome = 'resolved' and finished_date < due_date then 'early'
        when outcome = 'resolved' and finished_date = due_date then 'on_time'
        when outcome = 'resolved' then 'late'
        when outcome = 'in_progress' and due_date >= effective_as_of_date then 'within_due'
        when outcome = 'in_progress' then 'overdue'
    end as timeliness,
    coalesce(is_counted and receipt_class = 'received_new' and channel_code = '3', false)
        as is_received_via_bcci,
    coalesce(outcome = 'resolved' and return_method_code = '1', false) as is_returned_via_bcci
from outcomes
