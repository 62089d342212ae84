{{ config(tags=['schools']) }}
-- Per school and school year: which vendors delivered (any term), and when last.

select
    agency_code,
    school_year,
    school_code,
    bool_or(vendor = 'smas') as delivers_smas,
    bool_or(vendor = 'vnedu') as delivers_vnedu,
    max(delivered_at) as last_delivered_at
from {{ ref('stg_sis__deliveries') }}
group by agency_code, school_year, school_code
