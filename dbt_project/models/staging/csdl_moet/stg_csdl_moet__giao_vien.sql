{#- A table, not a view: it inlines the pseudonym key (macro `pseudonym`). -#}
{{ config(materialized='table', tags=['schools']) }}
{%- set c = "(files.columns ->> '%s')" %}
{%- set dmy = "'^\\s*\\d{1,2}/\\d{1,2}/\\d{4}\\s*$'" %}

with

files as (

    select * from {{ ref('stg_csdl_moet__files') }}
    where file_kind = 'giao_vien'

),

rows as (

    select
        files.agency_code,
        files.school_year,
        files.school_code,
        files.batch_id,
        landed.record_no,
        landed.record ->> {{ c % 'Mã cán bộ' }} as staff_code,
        landed.record ->> {{ c % 'Ngày sinh' }} as birth_text,
        nullif(btrim(landed.record ->> {{ c % 'Email' }}), '') as email,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Giới tính' }}, nfc)), '') as gender,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Trạng thái CB' }}, nfc)), '') as status,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Vị trí việc làm' }}, nfc)), '') as position,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Nhóm chức vụ' }}, nfc)), '') as role_group,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Môn dạy' }}, nfc)), '') as subject,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Trình độ chuyên môn' }}, nfc)), '')
            as qualification,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Trình độ tin học' }}, nfc)), '')
            as it_level
    from {{ source('csdl_moet', 'giao_vien') }} as landed
    inner join files on landed.batch_id = files.batch_id

)

select
    agency_code,
    school_year,
    school_code,
    {{ pseudonym('staff_code') }} as staff_key,
    case
        when birth_text ~ {{ dmy }}
            then extract(year from to_date(btrim(birth_text), 'DD/MM/YYYY'))::integer
    end as birth_year,
    gender,
    email is not null as has_email,
    status,
    position,
    role_group,
    subject,
    qualification,
    it_level,
    batch_id as source_batch_id,
    record_no as source_record_no
from rows
where nullif(btrim(staff_code), '') is not null
