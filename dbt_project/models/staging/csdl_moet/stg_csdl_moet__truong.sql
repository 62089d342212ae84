{{ config(tags=['schools']) }}
{%- set c = "(files.columns ->> '%s')" %}

with

files as (

    select * from {{ ref('stg_csdl_moet__files') }}
    where file_kind = 'truong'

),

rows as (

    select
        files.agency_code,
        files.school_year,
        files.batch_id,
        landed.record_no,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Mã trường' }}, nfc)), '') as school_code,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Tên trường' }}, nfc)), '') as school_name,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Cấp học' }}, nfc)), '') as school_level,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Loại hình' }}, nfc)), '') as ownership,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Phòng GD&ĐT quản lý' }}, nfc)), '')
            as managing_office,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Quận/Huyện' }}, nfc)), '') as district,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Xã/Phường' }}, nfc)), '') as commune,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Phần mềm quản lý trường học' }}, nfc)), '')
            as declared_software_text
    from {{ source('csdl_moet', 'truong') }} as landed
    inner join files on landed.batch_id = files.batch_id

),

ranked as (

    select
        *,
        row_number() over (
            partition by school_year, school_code order by record_no
        ) as row_rank
    from rows
    where school_code is not null

)

select
    agency_code,
    school_year,
    school_code,
    school_name,
    school_level,
    ownership,
    managing_office,
    district,
    commune,
    case lower(declared_software_text)
        when 'smas' then 'SMAS'
        when 'vnedu' then 'vnEdu'
        when 'khác' then 'Khác'
    end as declared_software,
    batch_id as source_batch_id
from ranked
where row_rank = 1
