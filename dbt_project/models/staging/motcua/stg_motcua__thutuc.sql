with

landed as (

    select
        thutuc.batch_id,
        thutuc.record_no,
        thutuc.record,
        btrim(thutuc.record ->> 'CoQuanThucHien') as agency_code
    from {{ source('motcua', 'thutuc') }} as thutuc
    inner join {{ source('meta', 'batch') }} as batch
        on thutuc.batch_id = batch.batch_id
    where batch.status = 'succeeded'

),

-- Every night lands a full copy of an agency's catalogue: its latest batch is the
-- current state.
latest_batch as (

    select
        agency_code,
        max(batch_id) as batch_id
    from landed
    group by agency_code

),

current_catalogue as (

    select
        landed.*,
        row_number() over (
            partition by landed.agency_code, landed.record ->> 'MaTTHC'
            order by landed.record_no desc
        ) as duplicate_rank
    from landed
    inner join latest_batch
        on
            landed.agency_code = latest_batch.agency_code
            and landed.batch_id = latest_batch.batch_id

)

select
    -- ids
    btrim(record ->> 'MaTTHC') as procedure_code,
    agency_code,
    btrim(record ->> 'MaLinhVuc') as field_code,

    -- properties
    normalize(record ->> 'TenTTHC', nfc) as procedure_name,
    normalize(record ->> 'TenLinhVuc', nfc) as field_name,
    (record ->> 'MucDo')::int as service_level,
    case
        when lower(btrim(record ->> 'CoBCCI')) in ('true', '1', 't', 'yes') then true
        when lower(btrim(record ->> 'CoBCCI')) in ('false', '0', 'f', 'no', '') then false
    end as is_bcci_enabled,
    normalize(record ->> 'QuyetDinhCongBo', nfc) as publishing_decision,

    -- fields since 2022 (contracts/motcua.md): a missing field is unknown (null), never
    -- "no"; an empty DVCTrucTuyen is "no online service" ('none')
    case
        when record ->> 'DVCTrucTuyen' is null then null
        when btrim(record ->> 'DVCTrucTuyen') = '' then 'none'
        else btrim(record ->> 'DVCTrucTuyen')
    end as online_service,
    {{ motcua_boolean("record ->> 'DuDieuKienToanTrinh'") }} as is_full_online_eligible,
    {{ motcua_boolean("record ->> 'CoPhiLePhi'") }} as has_fee,
    {{ motcua_boolean("record ->> 'YeuCauKetQuaGiay'") }} as requires_paper_result,
    nullif(btrim(record ->> 'ThoiHanGiaiQuyet'), '')::numeric as max_processing_time,
    nullif(btrim(record ->> 'DonViTinh'), '') as max_processing_time_unit,

    -- timestamps
    {{ parse_vn_timestamp("record ->> 'NgayCapNhat'") }} as updated_at,

    -- lineage
    batch_id as source_batch_id

from current_catalogue
where duplicate_rank = 1
