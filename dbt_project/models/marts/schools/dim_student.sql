{{ config(tags=['schools']) }}
-- Pupils, keyed by the keyed pseudonym of their csdl.moet code: no name, birth date or
-- identity number (they stay in raw). Attributes from the latest school year, the row
-- of an enrolled pupil first.

with

ranked as (

    select
        *,
        row_number() over (
            partition by student_key
            order by
                school_year desc, (status = 'Đang học') desc,
                status_date desc nulls last, school_code asc
        ) as row_rank
    from {{ ref('stg_csdl_moet__hoc_sinh') }}

)

select
    student_key,
    gender,
    birth_year,
    ethnicity,
    is_ethnic_minority,
    disability_type,
    has_disability
from ranked
where row_rank = 1
