{{ config(tags=['schools']) }}
-- Yearly snapshot of the schools: one row per (school year, school), from the province's
-- school list of that year in csdl.moet.

select
    school_year || ':' || school_code as school_year_key,
    school_year,
    school_code,
    school_name,
    school_level,
    ownership,
    managing_office,
    managing_office is null as managed_by_department,
    district,
    commune,
    declared_software,
    agency_code
from {{ ref('stg_csdl_moet__truong') }}
