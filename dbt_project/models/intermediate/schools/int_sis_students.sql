{{ config(tags=['schools']) }}
-- The pupils each vendor reports for a school and school year: its latest delivery of
-- the latest term delivered, one row per (vendor, school year, school, pupil).

with

deliveries as (

    select * from {{ ref('stg_sis__smas') }}
    union all
    select * from {{ ref('stg_sis__vnedu') }}

),

latest_term as (

    select
        *,
        max(term) over (partition by vendor, school_year, school_code) as last_term
    from deliveries

),

pupils as (

    select
        vendor,
        agency_code,
        school_year,
        school_code,
        student_key,
        bool_or(contact_book_subscribed) as contact_book_subscribed,
        max(delivered_at) as delivered_at
    from latest_term
    where
        term = last_term
        and student_key is not null
    group by vendor, agency_code, school_year, school_code, student_key

)

select * from pupils
