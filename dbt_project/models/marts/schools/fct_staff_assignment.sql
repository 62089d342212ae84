{{ config(tags=['schools']) }}
-- One row per staff member, school year and school (csdl.moet staff lists).

with

ranked as (

    select
        *,
        row_number() over (
            partition by school_year, school_code, staff_key order by source_record_no
        ) as row_rank
    from {{ ref('stg_csdl_moet__giao_vien') }}

)

select
    school_year || ':' || school_code || ':' || staff_key as assignment_key,
    staff_key,
    school_year,
    school_code,
    school_year || ':' || school_code as school_year_key,
    position,
    role_group,
    subject,
    status,
    coalesce(status = 'Đang làm việc', false) as is_active,
    coalesce(status = 'Đang làm việc' and position = 'Giáo viên', false) as is_teacher,
    coalesce(status = 'Đang làm việc' and position = 'Cán bộ quản lý', false) as is_manager,
    coalesce(status = 'Đang làm việc' and position = 'Nhân viên', false) as is_support_staff,
    it_level,
    agency_code,
    agency_code as source_agency_code
from ranked
where row_rank = 1
