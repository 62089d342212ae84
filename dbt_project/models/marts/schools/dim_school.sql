{{ config(tags=['schools']) }}
-- Yearly snapshot of the schools: one row per (school year, school), from the province's
-- school list of that year in csdl.moet.

select
    schools.school_year || ':' || schools.school_code as school_year_key,
    schools.school_year,
    schools.school_code,
    schools.school_name,
    schools.school_level,
    schools.ownership,
    schools.managing_office,
    schools.managing_office is null as managed_by_department,
    schools.district,
    schools.commune,
    communes.commune_2025_code,
    communes.commune_2025_name,
    communes.commune_2025_source,
    schools.declared_software,
    schools.agency_code
from {{ ref('stg_csdl_moet__truong') }} as schools
left join {{ ref('int_school_commune_2025') }} as communes
    on schools.school_year || ':' || schools.school_code = communes.school_year_key
