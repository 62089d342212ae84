{{ config(tags=['schools']) }}
-- One row per pupil and school year: the school and class of csdl.moet (the enrolled row
-- first when a pupil appears in two schools' lists), and whether each vendor's export
-- of that school has the pupil.

with

ranked as (

    select
        *,
        row_number() over (
            partition by school_year, student_key
            order by (status = 'Đang học') desc, status_date desc nulls last, school_code asc
        ) as row_rank
    from {{ ref('stg_csdl_moet__hoc_sinh') }}

),

vendor as (

    select
        school_year,
        school_code,
        student_key,
        bool_or(vendor = 'smas') as in_smas_export,
        bool_or(vendor = 'vnedu') as in_vnedu_export,
        bool_or(contact_book_subscribed) as contact_book_subscribed
    from {{ ref('int_sis_students') }}
    group by school_year, school_code, student_key

)

select
    ranked.school_year || ':' || ranked.student_key as enrollment_key,
    ranked.student_key,
    ranked.school_year,
    ranked.school_code,
    ranked.school_year || ':' || ranked.school_code as school_year_key,
    ranked.class_code,
    ranked.status,
    ranked.status_date,
    coalesce(ranked.status = 'Đang học', false) as is_enrolled,
    coalesce(vendor.in_smas_export, false) as in_smas_export,
    coalesce(vendor.in_vnedu_export, false) as in_vnedu_export,
    vendor.student_key is not null as in_vendor_export,
    vendor.contact_book_subscribed,
    ranked.agency_code,
    ranked.agency_code as source_agency_code
from ranked
left join vendor
    on
        ranked.school_year = vendor.school_year
        and ranked.school_code = vendor.school_code
        and ranked.student_key = vendor.student_key
where ranked.row_rank = 1
