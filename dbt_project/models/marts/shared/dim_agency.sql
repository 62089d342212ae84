-- The agencies: the reviewed seed, plus any agency the catalogue names that the seed
-- does not know yet (so that its dossiers are never dropped from the figures).

with

reviewed as (

    select * from {{ ref('agencies') }}

),

catalogue_agencies as (

    select distinct agency_code
    from {{ ref('snap_motcua__thutuc') }}

)

select
    reviewed.agency_code,
    reviewed.agency_name,
    reviewed.agency_name_en,
    reviewed.agency_level,
    reviewed.province_name,
    true as is_reviewed
from reviewed

union all

select
    catalogue_agencies.agency_code,
    catalogue_agencies.agency_code as agency_name,
    null as agency_name_en,
    null as agency_level,
    null as province_name,
    false as is_reviewed
from catalogue_agencies
where catalogue_agencies.agency_code not in (select reviewed.agency_code from reviewed)
