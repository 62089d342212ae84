-- The agency register as the nights wrote it (meta.agency: eduwh.load.register), one row
-- per agency code, with its legal validity and successor (contracts/agencies.md).

select
    agency_code,
    nullif(btrim(agency_name), '') as agency_name,
    nullif(btrim(moet_department_code), '') as moet_department_code,
    nullif(btrim(province_name), '') as province_name,
    nullif(btrim(province_code), '') as province_code,
    valid_from,
    valid_to,
    nullif(btrim(successor_code), '') as successor_agency_code
from {{ source('meta', 'agency') }}
