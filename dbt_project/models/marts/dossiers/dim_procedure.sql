-- Type 2: one row per version of a catalogue procedure, from the nightly snapshot.

with

versions as (

    select * from {{ ref('snap_motcua__thutuc') }}

)

select
    md5(agency_code || '|' || procedure_code || '|' || dbt_valid_from::text) as procedure_key,
    procedure_code,
    agency_code,
    procedure_name,
    field_code,
    field_name,
    service_level,
    coalesce(service_level in (3, 4), false) as is_online,
    is_bcci_enabled,
    publishing_decision,
    dbt_valid_from as valid_from,
    dbt_valid_to as valid_to,
    dbt_valid_to is null as is_current,
    row_number() over (
        partition by agency_code, procedure_code order by dbt_valid_from
    ) = 1 as is_first_version
from versions
