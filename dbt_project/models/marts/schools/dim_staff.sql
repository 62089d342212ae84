{{ config(tags=['schools']) }}
-- Teachers, managers and staff, keyed by the keyed pseudonym of their csdl.moet code: no
-- name, birth date or e-mail (they stay in raw). Attributes from the latest school year.

with

ranked as (

    select
        *,
        row_number() over (
            partition by staff_key
            order by school_year desc, (status = 'Đang làm việc') desc, school_code
        ) as row_rank
    from {{ ref('stg_csdl_moet__giao_vien') }}

)

select
    staff_key,
    gender,
    birth_year,
    qualification,
    it_level,
    has_email
from ranked
where row_rank = 1
