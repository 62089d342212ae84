{{ config(tags=['schools']) }}
{%- set c = "(files.columns ->> '%s')" %}

with

files as (

    select * from {{ ref('stg_csdl_moet__files') }}
    where file_kind = 'lop'

),

rows as (

    select
        files.agency_code,
        coalesce(
            nullif(btrim(landed.record ->> {{ c % 'Năm học' }}), ''), files.school_year
        ) as school_year,
        coalesce(
            nullif(btrim(landed.record ->> {{ c % 'Mã trường' }}), ''), files.school_code
        ) as school_code,
        nullif(btrim(landed.record ->> {{ c % 'Mã lớp' }}), '') as class_code,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Tên lớp' }}, nfc)), '') as class_name,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Khối' }}, nfc)), '') as grade,
        files.batch_id,
        landed.record_no
    from {{ source('csdl_moet', 'lop') }} as landed
    inner join files on landed.batch_id = files.batch_id

),

ranked as (

    select
        *,
        row_number() over (
            partition by school_year, class_code order by batch_id desc, record_no asc
        ) as row_rank
    from rows
    where class_code is not null

)

select
    agency_code,
    school_year,
    school_code,
    class_code,
    class_name,
    grade,
    batch_id as source_batch_id
from ranked
where row_rank = 1
