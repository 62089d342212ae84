{{ config(tags=['schools']) }}
-- Per school and school year: pupils in csdl.moet against pupils in the vendors'
-- exports (latest delivery of the latest term), matched on the pupil's csdl.moet code
-- within the same school; software declared in csdl.moet against what is delivered.
-- A school delivering without being on the school list is reported too.

with

csdl as (

    select
        agency_code,
        school_year,
        school_code,
        student_key,
        bool_or(status = 'Đang học') as is_enrolled
    from {{ ref('stg_csdl_moet__hoc_sinh') }}
    group by agency_code, school_year, school_code, student_key

),

vendor as (

    select
        agency_code,
        school_year,
        school_code,
        student_key,
        bool_or(contact_book_subscribed) as contact_book_subscribed
    from {{ ref('int_sis_students') }}
    group by agency_code, school_year, school_code, student_key

),

pupils as (

    select
        coalesce(csdl.agency_code, vendor.agency_code) as agency_code,
        coalesce(csdl.school_year, vendor.school_year) as school_year,
        coalesce(csdl.school_code, vendor.school_code) as school_code,
        csdl.student_key is not null as in_csdl,
        coalesce(csdl.is_enrolled, false) as enrolled_in_csdl,
        vendor.student_key is not null as in_vendor,
        coalesce(vendor.contact_book_subscribed, false) as contact_book_subscribed
    from csdl
    full outer join vendor
        on
            csdl.school_year = vendor.school_year
            and csdl.school_code = vendor.school_code
            and csdl.student_key = vendor.student_key

),

per_school as (

    select
        agency_code,
        school_year,
        school_code,
        count(*) filter (where enrolled_in_csdl)::integer as students_csdl,
        count(*) filter (where in_vendor)::integer as students_vendor,
        count(*) filter (where in_vendor and in_csdl)::integer as students_matched,
        count(*) filter (where enrolled_in_csdl and not in_vendor)::integer
            as students_only_csdl,
        count(*) filter (where in_vendor and not in_csdl)::integer as students_only_vendor,
        count(*) filter (where in_vendor and contact_book_subscribed)::integer
            as contact_book_subscribers
    from pupils
    group by agency_code, school_year, school_code

),

schools as (

    select
        coalesce(dim_school.agency_code, deliveries.agency_code) as agency_code,
        coalesce(dim_school.school_year, deliveries.school_year) as school_year,
        coalesce(dim_school.school_code, deliveries.school_code) as school_code,
        dim_school.school_name,
        dim_school.school_level,
        dim_school.school_code is not null as on_school_list,
        dim_school.declared_software,
        coalesce(deliveries.delivers_smas, false) as delivers_smas,
        coalesce(deliveries.delivers_vnedu, false) as delivers_vnedu,
        deliveries.last_delivered_at
    from {{ ref('dim_school') }} as dim_school
    full outer join {{ ref('int_school_deliveries') }} as deliveries
        on
            dim_school.school_year = deliveries.school_year
            and dim_school.school_code = deliveries.school_code

)

select
    schools.agency_code,
    schools.school_year,
    schools.school_code,
    schools.school_name,
    schools.school_level,
    schools.on_school_list,
    schools.declared_software,
    schools.delivers_smas,
    schools.delivers_vnedu,
    case
        when schools.delivers_smas and schools.delivers_vnedu then 'both'
        when schools.delivers_smas then 'SMAS'
        when schools.delivers_vnedu then 'vnEdu'
        else 'none'
    end as delivered_software,
    (case
        when schools.delivers_smas and schools.delivers_vnedu then 'both'
        when schools.delivers_smas then 'SMAS'
        when schools.delivers_vnedu then 'vnEdu'
        else 'none'
    end) = (case
        when schools.declared_software in ('SMAS', 'vnEdu') then schools.declared_software
        else 'none'
    end) as delivered_as_declared,
    schools.last_delivered_at,
    coalesce(per_school.students_csdl, 0) as students_csdl,
    coalesce(per_school.students_vendor, 0) as students_vendor,
    coalesce(per_school.students_matched, 0) as students_matched,
    coalesce(per_school.students_only_csdl, 0) as students_only_csdl,
    coalesce(per_school.students_only_vendor, 0) as students_only_vendor,
    coalesce(per_school.contact_book_subscribers, 0) as contact_book_subscribers
from schools
left join per_school
    on
        schools.school_year = per_school.school_year
        and schools.school_code = per_school.school_code
