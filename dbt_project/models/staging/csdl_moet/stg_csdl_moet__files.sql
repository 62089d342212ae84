{{ config(tags=['schools']) }}
-- The csdl.moet file versions that count: per (agency, school year, file) the latest
-- version landed whole (a version refused by the quarantine leaves the previous one in
-- force). File names are the same in every Department's exports (DanhSachTruong.xlsx).

with

files as (

    select
        lf.batch_id,
        lf.entity as file_kind,
        lf.agency_code,
        lf.file as file_name,
        lf.school_code,
        lf.school_year,
        lf.changed_at,
        lf.columns,
        row_number() over (
            partition by lf.agency_code, lf.school_year, lf.file
            order by lf.changed_at desc nulls last, lf.batch_id desc
        ) as version_rank
    from {{ source('schools_meta', 'loaded_file') }} as lf
    inner join {{ source('meta', 'batch') }} as batch
        on lf.batch_id = batch.batch_id
    where
        lf.source = 'csdl_moet'
        and lf.status = 'loaded'
        and batch.status = 'succeeded'

)

select
    batch_id,
    file_kind,
    agency_code,
    file_name,
    school_code,
    school_year,
    changed_at,
    columns
from files
where version_rank = 1
