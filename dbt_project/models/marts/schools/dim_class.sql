{{ config(tags=['schools']) }}
-- Classes of each school year (csdl.moet class lists).

select
    school_year || ':' || class_code as class_year_key,
    school_year,
    class_code,
    class_name,
    grade,
    school_code,
    school_year || ':' || school_code as school_year_key,
    agency_code
from {{ ref('stg_csdl_moet__lop') }}
