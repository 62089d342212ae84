-- The agencies the warehouse reports for, as a type-2 history (snap_meta__agency): one
-- row per version of an agency's register entry, the current one flagged. Legal validity
-- (valid_from / valid_to) and the successor come from the register (contracts/agencies.md);
-- the predecessors are the agencies whose successor this one is. Names are those the
-- settings, register or data set gave (meta.agency, written by the loaders); no seed names
-- an agency, so the same project serves any Department.

with

versions as (

    select * from {{ ref('snap_meta__agency') }}

),

predecessors as (

    select
        successor_agency_code as agency_code,
        string_agg(agency_code, ',' order by agency_code) as predecessor_agency_codes
    from versions
    where dbt_valid_to is null and successor_agency_code is not null
    group by successor_agency_code

)

select
    versions.dbt_scd_id as agency_version_key,
    versions.agency_code,
    coalesce(versions.agency_name, versions.agency_code) as agency_name,
    'Department of Education and Training of ' || versions.province_name as agency_name_en,
    'province'::text as agency_level,
    versions.province_name,
    versions.province_code,
    versions.moet_department_code,
    versions.valid_from,
    versions.valid_to,
    versions.successor_agency_code,
    predecessors.predecessor_agency_codes,
    versions.dbt_valid_from as version_valid_from,
    versions.dbt_valid_to as version_valid_to,
    versions.dbt_valid_to is null as is_current,
    versions.agency_name is not null as is_reviewed
from versions
left join predecessors
    on versions.agency_code = predecessors.agency_code
