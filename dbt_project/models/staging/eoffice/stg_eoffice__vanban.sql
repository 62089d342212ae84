{#-
    One row per document: its latest version (cap_nhat_luc, then batch, then position)
    from succeeded batches. A table, not a view: the signer's name is a keyed pseudonym
    (macro `pseudonym` inlines the key). Secret documents keep only what the contract
    allows (the loader already cut them down); every other column is null for them.
-#}
{{ config(materialized='table', tags=['documents']) }}

with

landed as (

    select
        vanban.batch_id,
        vanban.record_no,
        vanban.record,
        batch.agency_code
    from {{ source('eoffice', 'vanban') }} as vanban
    inner join {{ source('meta', 'batch') }} as batch
        on vanban.batch_id = batch.batch_id
    where batch.status = 'succeeded'

),

ranked as (

    select
        *,
        (record ->> 'cap_nhat_luc')::timestamptz as updated_at,
        row_number() over (
            -- ids are numbers within one e-Office instance: each agency's own
            partition by agency_code, (record ->> 'id')::bigint
            order by
                (record ->> 'cap_nhat_luc')::timestamptz desc, batch_id desc,
                record_no desc
        ) as version_rank
    from landed

),

latest as (

    select
        *,
        coalesce(record ->> 'do_mat', '') <> 'thuong' as is_secret
    from ranked
    where version_rank = 1

)

select
    agency_code || ':' || (record ->> 'id') as document_key,
    (record ->> 'id')::bigint as document_id,
    agency_code,
    record ->> 'loai' as direction_code,
    is_secret,
    record ->> 'do_mat' as secrecy_code,
    (record ->> 'ngay_ban_hanh')::date as promulgation_date,
    (record ->> 'ngay_den')::date as received_date,
    updated_at,
    -- below: null for secret documents
    case when not is_secret then normalize(record ->> 'so_ky_hieu', nfc) end
        as number_notation,
    case when not is_secret then (record ->> 'so_den')::int end as register_no,
    case when not is_secret then record ->> 'loai_van_ban' end as document_type_code,
    case when not is_secret then normalize(record ->> 'trich_yeu', nfc) end as subject,
    case when not is_secret then record -> 'co_quan_ban_hanh' ->> 'ma_dinh_danh' end
        as issuer_code,
    case when not is_secret then normalize(record -> 'co_quan_ban_hanh' ->> 'ten', nfc) end
        as issuer_name,
    case when not is_secret then record -> 'noi_nhan' end as recipients,
    case when not is_secret then {{ pseudonym("record ->> 'nguoi_ky'") }} end
        as signer_pseudonym,
    case when not is_secret then record ->> 'do_khan' end as urgency_code,
    case when not is_secret then (record ->> 'ky_so')::boolean end as listing_says_signed,
    case when not is_secret then record ->> 'kenh' end as channel_code,
    case when not is_secret then (record ->> 'han_xu_ly')::date end as due_date,
    case when not is_secret then (record ->> 'ngay_hoan_thanh')::date end as completed_date,
    case when not is_secret then normalize(record ->> 'phong_xu_ly', nfc) end
        as department_name,
    case when not is_secret then record ->> 'trang_thai' end as status_code,
    case when not is_secret then (record ->> 'co_edxml')::boolean end as has_package,
    batch_id as source_batch_id,
    record_no as source_record_no
from latest
