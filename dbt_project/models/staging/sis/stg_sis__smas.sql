{#- A table, not a view: it inlines the pseudonym key (macro `pseudonym`). -#}
{{ config(materialized='table', tags=['schools']) }}
{%- set c = "(d.columns ->> '%s')" %}

with

d as (

    select * from {{ ref('stg_sis__deliveries') }}
    where vendor = 'smas'

),

rows as (

    select
        d.agency_code,
        d.school_code,
        d.school_year,
        d.term,
        d.delivered_at,
        d.batch_id,
        landed.record_no,
        landed.record ->> {{ c % 'MaHocSinh' }} as student_code,
        nullif(btrim(normalize(landed.record ->> {{ c % 'Lop' }}, nfc)), '') as class_name,
        replace(btrim(landed.record ->> {{ c % 'DiemTBHK' }}), ',', '.') as score_text,
        nullif(btrim(normalize(landed.record ->> {{ c % 'HocLuc' }}, nfc)), '')
            as academic_result,
        nullif(btrim(normalize(landed.record ->> {{ c % 'HanhKiem' }}, nfc)), '') as conduct,
        btrim(landed.record ->> {{ c % 'SoNgayNghi' }}) as absences_text,
        nullif(btrim(normalize(landed.record ->> {{ c % 'SLLDT' }}, nfc)), '') as contact_book
    from {{ source('sis', 'smas') }} as landed
    inner join d on landed.batch_id = d.batch_id

)

select
    'smas' as vendor,
    agency_code,
    school_code,
    school_year,
    term,
    delivered_at,
    {{ pseudonym('student_code') }} as student_key,
    class_name,
    case when score_text ~ '^\d+(\.\d+)?$' then score_text::numeric(4, 2) end as average_score,
    academic_result,
    conduct,
    case when absences_text ~ '^\d+$' then absences_text::integer end as days_absent,
    case lower(contact_book) when 'có' then true when 'không' then false end
        as contact_book_subscribed,
    batch_id as source_batch_id,
    record_no as source_record_no
from rows
