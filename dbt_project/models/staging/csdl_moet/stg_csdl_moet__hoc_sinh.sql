{#- A table, not a view: it inlines the pseudonym key (macro `pseudonym`). -#}
{{ config(materialized='table', tags=['schools']) }}
{%- set c = "(files.columns ->> '%s')" %}
{%- set dmy = "'^\\s*\\d{1,2}/\\d{1,2}/\\d{4}\\s*$'" %}

with

files as (

    select * from {{ ref('stg_csdl_moet__files') }}
    where file_kind = 'hoc_sinh'

),

rows as (

    select
        files.agency_code,
        files.school_year,
        files.school_code,
        files.batch_id,
        landed.record_no,
        landed.record ->> {{ c % 'Mã học sinh' }} as student_code,
        nullif(btrim(landed.record ->> {{ c % 'Mã lớp' }}), '') as class_code,
        landed.record ->> {{ c % 'Ngày sinh' }} as birth_text,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Giới tính' }}, nfc)), '') as gender,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Trạng thái HS' }}, nfc)), '') as status,
        btrim(landed.record ->> {{ c % 'Ngày nhập trạng thái' }}) as status_date_text,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Dân tộc' }}, nfc)), '') as ethnicity,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Loại khuyết tật' }}, nfc)), '')
            as disability_type
    from {{ source('csdl_moet', 'hoc_sinh') }} as landed
    inner join files on landed.batch_id = files.batch_id

)

select
    agency_code,
    school_year,
    school_code,
    {{ pseudonym('student_code') }} as student_key,
    class_code,
    case
        when birth_text ~ {{ dmy }}
            then extract(year from to_date(btrim(birth_text), 'DD/MM/YYYY'))::integer
    end as birth_year,
    gender,
    status,
    case
        when status_date_text ~ {{ dmy }} then to_date(status_date_text, 'DD/MM/YYYY')
    end as status_date,
    ethnicity,
    coalesce(ethnicity is not null and ethnicity <> 'Kinh', false) as is_ethnic_minority,
    disability_type,
    disability_type is not null as has_disability,
    batch_id as source_batch_id,
    record_no as source_record_no
from rows
where nullif(btrim(student_code), '') is not null
