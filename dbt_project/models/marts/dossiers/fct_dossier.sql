-- One row per dossier (its latest known state).

with

dossiers as (

    select * from {{ ref('int_dossiers') }}

),

procedures as (

    select * from {{ ref('dim_procedure') }}

),

-- The procedure version in force when the dossier was received (the first known
-- version stands for the time before the snapshots began).
dossier_procedures as (

    select
        dossiers.dossier_code,
        procedures.procedure_key,
        row_number() over (
            partition by dossiers.dossier_code order by procedures.valid_from desc
        ) as version_rank
    from dossiers
    inner join procedures
        on
            dossiers.procedure_code = procedures.procedure_code
            and dossiers.agency_code = procedures.agency_code
            and (
                procedures.is_first_version
                or procedures.valid_from
                <= coalesce(dossiers.received_at, dossiers.submitted_at, dossiers.updated_at)
            )

)

select
    dossiers.dossier_code,
    dossiers.agency_code,
    dossiers.agency_code as source_agency_code,
    dossiers.source_instance,
    dossier_procedures.procedure_key,
    dossiers.procedure_code,
    dossiers.field_code,
    dossiers.field_name,
    dossiers.channel_code,
    dossiers.status_code,
    dossiers.status_group,
    dossiers.return_method_code,
    case dossiers.return_method_code
        when '0' then 'counter'
        when '1' then 'bcci'
    end as return_method,
    dossiers.applicant_kind_code,
    case dossiers.applicant_kind_code
        when '1' then 'citizen'
        when '2' then 'enterprise'
        when '3' then 'organisation'
    end as applicant_kind,
    dossiers.applicant_id_pseudonym,
    dossiers.applicant_name_pseudonym,
    dossiers.processing_unit,
    dossiers.submitted_date,
    dossiers.received_date,
    dossiers.due_date,
    dossiers.finished_date,
    dossiers.returned_date,
    dossiers.submitted_at,
    dossiers.received_at,
    dossiers.due_at,
    dossiers.finished_at,
    dossiers.returned_at,
    dossiers.updated_at,
    case
        when dossiers.status_group = 'resolved' and dossiers.due_date is not null
            then dossiers.finished_date - dossiers.due_date
    end as days_late
from dossiers
left join dossier_procedures
    on
        dossiers.dossier_code = dossier_procedures.dossier_code
        and dossier_procedures.version_rank = 1
