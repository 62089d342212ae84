{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['agency_code', 'as_of_date'],
        on_schema_change='append_new_columns'
    )
}}
{#-
    The dossiers behind the Decision 766 indicators (contracts/indicators_766.md,
    "Output"): for 2.1, 3.3, 3.6, 4.1, 4.2, 4.3 and 4.4, one row per reporting agency,
    indicator, period, as-of date and dossier of the indicator's denominator, saying
    whether it counts in the numerator and why not, and which agency received it
    (source_agency_code: after a merger the successor's periods hold its predecessors'
    dossiers, macro periods_766). Keyed by MaHoSo: no applicant data. Incremental: a run
    replaces the rows of the as-of dates it was asked for and keeps the others; the
    column source_agency_code came later and is appended to an older table.

    A condition on a procedure's property (YeuCauKetQuaGiay, CoPhiLePhi) applies when the
    procedure version in force at the end of the period says true; unknown (a version
    from before 2022) is not "yes".
-#}

with

agencies as (

    select agency_code from {{ ref('dim_agency') }}
    where is_current

),

periods as (

    {{ periods_766(ref('int_report_universe')) }}

),

processing as (

    select
        processing.*,
        dossiers.channel_code
    from {{ ref('int_dossier_processing_766') }} as processing
    left join {{ ref('int_dossiers') }} as dossiers
        on processing.dossier_code = dossiers.dossier_code

),

procedure_versions as (

    select * from {{ ref('int_procedure_versions') }}

),

dossiers as (

    select
        dossier_code,
        agency_code as source_agency_code,
        procedure_code,
        channel_code,
        received_at,
        coalesce(submitted_at, received_at) as started_at,
        online_payment_code,
        fee_items,
        fee_items_free,
        documents_with_file,
        documents_reusing_digitised_data,
        documents_from_citizen_store,
        has_digitised_component,
        has_result_code,
        has_result_file
    from {{ ref('int_dossiers') }}
    where
        received_at is not null
        and status_group is not null
        and status_group != 'not_received'

),

-- dossiers received (3.6: started) in a period, with the procedure version in force at
-- the end of the period
dossier_periods as (

    select
        dossiers.*,
        periods.agency_code,
        {{ period_columns_766('periods') }},
        {{ in_period_766('dossiers.received_at') }} as is_received_in_period,
        {{ in_period_766('dossiers.started_at') }} as is_started_in_period,
        coalesce(procedure_versions.requires_paper_result, false) as requires_paper_result,
        coalesce(procedure_versions.has_fee, false) as has_fee
    from dossiers
    inner join periods
        on
            dossiers.source_agency_code = periods.source_agency_code
            and (
                {{ in_period_766('dossiers.received_at') }}
                or {{ in_period_766('dossiers.started_at') }}
            )
    left join procedure_versions
        on {{ version_in_force_766('procedure_versions', 'periods.period_end_at', of='dossiers') }}

),

-- per dossier and period: in the denominator of each indicator, in its numerator, why not
judged as (

    select
        dossier_periods.*,
        coalesce(dossier_periods.documents_with_file > 0, false) as has_submitted_file,
        coalesce(dossier_periods.has_digitised_component, false)
        or coalesce(dossier_periods.documents_reusing_digitised_data > 0, false)
            as reuses_digitised_data,
        coalesce(dossier_periods.documents_from_citizen_store > 0, false)
            as is_from_citizen_store,
        dossier_periods.has_result_code and dossier_periods.has_result_file
            as has_electronic_result,
        -- 3.6: less the dossiers whose every fee item is free (Gia 0)
        dossier_periods.is_started_in_period
        and dossier_periods.has_fee
        and not coalesce(
            dossier_periods.fee_items > 0
            and dossier_periods.fee_items_free = dossier_periods.fee_items,
            false
        ) as is_in_3_6
    from dossier_periods

),

unpivoted as (

    select
        judged.agency_code,
        judged.source_agency_code,
        listed.indicator_id,
        {{ period_columns_766('judged') }},
        judged.dossier_code,
        judged.procedure_code,
        judged.channel_code,
        listed.reason is null as is_in_numerator,
        listed.reason
    from judged
    cross join
        lateral (
            values
            (
                '3.3',
                judged.is_received_in_period,
                case
                    when judged.channel_code is null or judged.channel_code != '2'
                        then 'not_online'
                    when judged.requires_paper_result and not judged.has_electronic_result
                        then 'no_electronic_result'
                end
            ),
            (
                '3.6',
                judged.is_in_3_6,
                case
                    when judged.online_payment_code is null then 'payment_unknown'
                    when judged.online_payment_code not in ('1', '2') then 'not_paid_online'
                end
            ),
            (
                '4.1',
                judged.is_received_in_period and judged.requires_paper_result,
                case when not judged.has_result_file then 'no_result_file' end
            ),
            (
                '4.2',
                judged.is_received_in_period,
                case
                    when not judged.has_submitted_file then 'no_submitted_file'
                    when judged.requires_paper_result and not judged.has_result_file
                        then 'no_electronic_result'
                end
            ),
            (
                '4.3',
                judged.is_received_in_period,
                case when not judged.reuses_digitised_data then 'no_reused_data' end
            ),
            (
                '4.4',
                judged.is_received_in_period,
                case when not judged.is_from_citizen_store then 'not_from_citizen_store' end
            )
        ) as listed (indicator_id, is_in_denominator, reason)
    where listed.is_in_denominator

),

indicator_rows as (

    select
        agency_code,
        source_agency_code,
        '2.1' as indicator_id,
        {{ period_columns_766() }},
        dossier_code,
        procedure_code,
        channel_code,
        is_on_time as is_in_numerator,
        reason_2_1 as reason,
        due_at,
        end_of_processing_at,
        supplement_requests,
        processing_working_days
    from processing

    union all

    select
        agency_code,
        source_agency_code,
        indicator_id,
        {{ period_columns_766() }},
        dossier_code,
        procedure_code,
        channel_code,
        is_in_numerator,
        reason,
        null::timestamptz as due_at,
        null::timestamptz as end_of_processing_at,
        null::int as supplement_requests,
        null::numeric as processing_working_days
    from unpivoted

)

select
    indicator_rows.agency_code,
    indicator_rows.indicator_id::text as indicator_id,
    indicator_rows.period_kind::text as period_kind,
    indicator_rows.period_start::date as period_start,
    indicator_rows.period_end_date::date as period_end_date,
    indicator_rows.period_label::text as period_label,
    indicator_rows.as_of_date::date as as_of_date,
    indicator_rows.dossier_code,
    indicator_rows.procedure_code,
    indicator_rows.channel_code,
    indicator_rows.is_in_numerator::boolean as is_in_numerator,
    indicator_rows.reason::text as reason,
    indicator_rows.due_at::timestamptz as due_at,
    indicator_rows.end_of_processing_at::timestamptz as end_of_processing_at,
    indicator_rows.supplement_requests::int as supplement_requests,
    round(indicator_rows.processing_working_days, 2)::numeric(9, 2) as processing_working_days,
    indicator_rows.source_agency_code
from indicator_rows
inner join agencies
    on indicator_rows.agency_code = agencies.agency_code
