{{ config(tags=['schools']) }}
-- The schools section of the annual report (contracts/report_figures.md), one row per
-- agency and school year, plus the breakdowns behind it. Definitions:
--   schools   rows of the province's school list of the year (csdl.moet)
--   classes   rows of the class lists of the year
--   students  pupils whose status is 'Đang học'
--   teachers  staff whose position is 'Giáo viên' and status 'Đang làm việc'
--   schools_on_smas / _vnedu  schools with a delivery of that vendor in the year (what is
--             delivered; what is declared is in schools_declared_*)
--   students_matched_pct  pupils covered by the vendors' exports (the latest delivery of
--             each (vendor, school, term); both terms count; a pupil counts once per school)
--             whose code is a pupil of the same school in csdl.moet, over the pupils
--             covered; one decimal (contracts/sis_exports.md)
--   has_school_list  csdl.moet's school list of that year has landed; a year known only
--             from SIS deliveries (an old delivery in the drop folder) has none, and the
--             cross-source checks leave it out (sis_exports.md: other school years never
--             enter the checks of the year asked)

with

years as (

    select
        agency_code,
        school_year
    from {{ ref('dim_school') }}
    union
    select
        agency_code,
        school_year
    from {{ ref('rpt_sis_reconciliation') }}

),

schools as (

    select
        agency_code,
        school_year,
        count(*)::integer as schools,
        count(*) filter (where declared_software = 'SMAS')::integer as schools_declared_smas,
        count(*) filter (where declared_software = 'vnEdu')::integer as schools_declared_vnedu
    from {{ ref('dim_school') }}
    group by agency_code, school_year

),

classes as (

    select
        agency_code,
        school_year,
        count(*)::integer as classes
    from {{ ref('dim_class') }}
    group by agency_code, school_year

),

students as (

    select
        enrollment.agency_code,
        enrollment.school_year,
        count(*)::integer as students,
        count(*) filter (where dim_student.gender = 'Nữ')::integer as students_female,
        count(*) filter (where dim_student.is_ethnic_minority)::integer
            as students_ethnic_minority,
        count(*) filter (where dim_student.has_disability)::integer as students_with_disability
    from {{ ref('fct_enrollment') }} as enrollment
    inner join {{ ref('dim_student') }} as dim_student
        on enrollment.student_key = dim_student.student_key
    where enrollment.is_enrolled
    group by enrollment.agency_code, enrollment.school_year

),

staff as (

    select
        agency_code,
        school_year,
        count(*) filter (where is_teacher)::integer as teachers,
        count(*) filter (where is_manager)::integer as managers,
        count(*) filter (where is_support_staff)::integer as support_staff
    from {{ ref('fct_staff_assignment') }}
    group by agency_code, school_year

),

sis as (

    select
        agency_code,
        school_year,
        count(*) filter (where delivers_smas)::integer as schools_on_smas,
        count(*) filter (where delivers_vnedu)::integer as schools_on_vnedu,
        count(*) filter (where delivers_smas and delivers_vnedu)::integer as schools_on_both,
        count(*) filter (where on_school_list and not delivered_as_declared)::integer
            as schools_not_delivering_as_declared,
        sum(students_vendor)::integer as students_in_vendor_exports,
        sum(students_matched)::integer as students_matched,
        sum(contact_book_subscribers)::integer as contact_book_subscribers
    from {{ ref('rpt_sis_reconciliation') }}
    group by agency_code, school_year

)

select
    years.agency_code,
    coalesce(agencies.agency_name, years.agency_code) as agency_name,
    years.school_year,
    schools.schools is not null as has_school_list,
    coalesce(schools.schools, 0) as schools,
    coalesce(classes.classes, 0) as classes,
    coalesce(students.students, 0) as students,
    coalesce(students.students_female, 0) as students_female,
    coalesce(students.students_ethnic_minority, 0) as students_ethnic_minority,
    coalesce(students.students_with_disability, 0) as students_with_disability,
    coalesce(staff.teachers, 0) as teachers,
    coalesce(staff.managers, 0) as managers,
    coalesce(staff.support_staff, 0) as support_staff,
    coalesce(sis.schools_on_smas, 0) as schools_on_smas,
    coalesce(sis.schools_on_vnedu, 0) as schools_on_vnedu,
    coalesce(sis.schools_on_both, 0) as schools_on_both,
    coalesce(schools.schools_declared_smas, 0) as schools_declared_smas,
    coalesce(schools.schools_declared_vnedu, 0) as schools_declared_vnedu,
    coalesce(sis.schools_not_delivering_as_declared, 0) as schools_not_delivering_as_declared,
    coalesce(sis.students_in_vendor_exports, 0) as students_in_vendor_exports,
    coalesce(sis.students_matched, 0) as students_matched,
    coalesce(sis.contact_book_subscribers, 0) as contact_book_subscribers,
    case
        when coalesce(sis.students_in_vendor_exports, 0) > 0
            then round(100.0 * sis.students_matched / sis.students_in_vendor_exports, 1)
    end::numeric(4, 1) as students_matched_pct
from years
left join {{ ref('dim_agency') }} as agencies
    on years.agency_code = agencies.agency_code and agencies.is_current
left join schools
    on years.agency_code = schools.agency_code and years.school_year = schools.school_year
left join classes
    on years.agency_code = classes.agency_code and years.school_year = classes.school_year
left join students
    on years.agency_code = students.agency_code and years.school_year = students.school_year
left join staff
    on years.agency_code = staff.agency_code and years.school_year = staff.school_year
left join sis
    on years.agency_code = sis.agency_code and years.school_year = sis.school_year
