{#-
    The shares the report's text states beside its counts (part three's criteria table),
    one row per agency, report year and as-of date of rpt_dossier_figures: each share is
    computed here once, the report only prints it. One decimal, null when the
    denominator is 0. (The shares of the contract's JSON, dossiers.pct_received_bcci and
    documents.pct_outgoing_signed, stay in rpt_dossier_figures / rpt_document_figures.)
-#}

with

figures as (

    select * from {{ ref('rpt_dossier_figures') }}

),

online as (

    select
        *,
        procedures_online_level_3 + procedures_online_level_4 as procedures_online_level_3_4
    from figures

)

select
    agency_code,
    report_year,
    as_of_date,
    procedures_online_level_3_4::int as procedures_online_level_3_4,
    round(
        100.0 * procedures_online_with_dossiers / nullif(procedures_online_level_3_4, 0), 1
    )::numeric(4, 1) as pct_online_procedures_with_dossiers,
    round(
        100.0 * procedures_with_bcci_dossiers / nullif(procedures_total, 0), 1
    )::numeric(4, 1) as pct_procedures_with_bcci_dossiers,
    round(
        100.0 * dossiers_received_online / nullif(dossiers_received_new, 0), 1
    )::numeric(4, 1) as pct_dossiers_received_online,
    round(
        100.0 * dossiers_returned_via_bcci / nullif(dossiers_resolved, 0), 1
    )::numeric(4, 1) as pct_dossiers_returned_via_bcci
from online
