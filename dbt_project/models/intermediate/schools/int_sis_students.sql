{{ config(tags=['schools']) }}
-- The pupils each vendor reports for a school and school year, one row per (vendor,
-- school year, school, pupil), over the deliveries that count (stg_sis__deliveries: the
-- latest of each (vendor, school, school year, term)). Both terms count
-- (contracts/sis_exports.md): a pupil in term 1 only is covered, and a school that moved
-- from one vendor to the other between terms is covered by both.

with

deliveries as (

    select * from {{ ref('stg_sis__smas') }}
    union all
    select * from {{ ref('stg_sis__vnedu') }}

)

select
    vendor,
    agency_code,
    school_year,
    school_code,
    student_key,
    bool_or(contact_book_subscribed) as contact_book_subscribed,
    max(delivered_at) as delivered_at
from deliveries
where student_key is not null
group by vendor, agency_code, school_year, school_code, student_key
