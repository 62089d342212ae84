-- The agencies the warehouse reports for: those the nights extracted for, under the name
-- their settings or data set gave (meta.agency, written by the loaders, with the province
-- the name carries: eduwh.agency.province_of). No seed names an agency, so the same
-- project serves any Department.

select
    agency_code,
    coalesce(agency_name, agency_code) as agency_name,
    'Department of Education and Training of ' || province_name as agency_name_en,
    'province'::text as agency_level,
    province_name,
    agency_name is not null as is_reviewed
from {{ source('meta', 'agency') }}
