-- One row per dossier: the latest version, with its agency and status group.

with

dossiers as (

    select * from {{ ref('stg_motcua__hoso') }}

),

statuses as (

    select * from {{ ref('dossier_statuses') }}

),

-- A dossier carries no agency field: its agency is the one whose catalogue publishes
-- its procedure; when several do (MaTTHC is national), the one its code starts with.
procedure_agencies as (

    select distinct
        agency_code,
        procedure_code
    from {{ ref('snap_motcua__thutuc') }}

),

dossier_agencies as (

    select
        dossiers.dossier_code,
        procedure_agencies.agency_code,
        row_number() over (
            partition by dossiers.dossier_code
            order by
                (procedure_agencies.agency_code = split_part(dossiers.dossier_code, '-', 1)) desc,
                procedure_agencies.agency_code asc
        ) as agency_rank
    from dossiers
    inner join procedure_agencies
        on dossiers.procedure_code = procedure_agencies.procedure_code

)

select
    dossiers.*,
    coalesce(
        dossier_agencies.agency_code, split_part(dossiers.dossier_code, '-', 1)
    ) as agency_code,
    statuses.status_group
from dossiers
left join dossier_agencies
    on
        dossiers.dossier_code = dossier_agencies.dossier_code
        and dossier_agencies.agency_rank = 1
left join statuses
    on dossiers.status_code = statuses.status_code
