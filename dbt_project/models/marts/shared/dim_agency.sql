-- The agencies the warehouse reports for: the reviewed seed (a crosswalk kept by hand).
-- A fact naming an agency the seed lacks fails its relationship test, which says to add
-- the agency's row to seeds/agencies.csv; the shared dimensions read no source, so they
-- can be built before every domain.

select
    agency_code,
    agency_name,
    agency_name_en,
    agency_level,
    province_name,
    true as is_reviewed
from {{ ref('agencies') }}
