{{ config(tags=['schools']) }}
-- The SIS deliveries that count: per (vendor, school, school year, term) the latest
-- delivery landed whole (contracts/sis_exports.md: a later delivery replaces the earlier).

with

deliveries as (

    select
        lf.batch_id,
        lf.entity as vendor,
        lf.agency_code,
        lf.file as file_name,
        lf.school_code,
        lf.school_year,
        lf.term,
        lf.changed_at as delivered_at,
        lf.columns,
        row_number() over (
            partition by lf.entity, lf.school_code, lf.school_year, lf.term
            order by lf.changed_at desc, lf.batch_id desc
        ) as delivery_rank
    from {{ source('schools_meta', 'loaded_file') }} as lf
    inner join {{ source('meta', 'batch') }} as batch
        on lf.batch_id = batch.batch_id
    where
        lf.source = 'sis'
        and lf.status = 'loaded'
        and batch.status = 'succeeded'

)

select
    batch_id,
    vendor,
    agency_code,
    file_name,
    school_code,
    school_year,
    term,
    delivered_at,
    columns
from deliveries
where delivery_rank = 1
