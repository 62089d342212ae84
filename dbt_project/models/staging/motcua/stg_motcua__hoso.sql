{#-
    A table, not a view: it inlines the pseudonym key (macro `pseudonym`), and every
    role can read a view's definition in pg_views.
-#}
{{ config(materialized='table') }}

with

landed as (

    select
        hoso.batch_id,
        batch.source_instance,
        hoso.record_no,
        hoso.record
    from {{ source('motcua', 'hoso') }} as hoso
    inner join {{ source('meta', 'batch') }} as batch
        on hoso.batch_id = batch.batch_id
    where batch.status = 'succeeded'

),

versions as (

    select
        batch_id,
        source_instance,
        record_no,
        record,
        {{ parse_vn_timestamp("record ->> 'NgayCapNhat'") }} as updated_at
    from landed

),

latest_version as (

    select
        *,
        row_number() over (
            partition by record ->> 'MaHoSo'
            order by updated_at desc nulls last, batch_id desc, record_no desc
        ) as version_rank
    from versions

),

renamed as (

    select
        -- ids
        btrim(record ->> 'MaHoSo') as dossier_code,
        btrim(record ->> 'MaTTHC') as procedure_code,
        btrim(record ->> 'MaLinhVuc') as field_code,

        -- procedure and field as written on the dossier
        normalize(record ->> 'TenTTHC', nfc) as procedure_name,
        normalize(record ->> 'TenLinhVuc', nfc) as field_name,

        -- codes (contracts/motcua.md)
        nullif(btrim(record ->> 'KenhThucHien'), '') as channel_code,
        nullif(btrim(record ->> 'HinhThuc'), '') as return_method_code,
        nullif(btrim(record ->> 'LoaiDoiTuong'), '') as applicant_kind_code,
        nullif(btrim(record ->> 'TrangThaiHoSo'), '') as status_code,

        -- the applicant, pseudonymised: no personal data leaves raw
        {{ pseudonym("record ->> 'ChuHoSo'") }} as applicant_name_pseudonym,
        {{ pseudonym("record ->> 'SoGiayToChuHoSo'") }} as applicant_id_pseudonym,

        normalize(record ->> 'DonViXuLy', nfc) as processing_unit,

        -- timestamps (local time of Vietnam in the source)
        {{ parse_vn_timestamp("record ->> 'NgayNopHoSo'") }} as submitted_at,
        {{ parse_vn_timestamp("record ->> 'NgayTiepNhan'") }} as received_at,
        {{ parse_vn_timestamp("record ->> 'NgayHenTra'") }} as due_at,
        {{ parse_vn_timestamp("record ->> 'NgayKetThucXuLy'") }} as finished_at,
        {{ parse_vn_timestamp("record ->> 'NgayTra'") }} as returned_at,
        updated_at,

        -- fields since 2022 (contracts/motcua.md): a missing field is unknown (null)
        nullif(btrim(record ->> 'DuocThanhToanTrucTuyen'), '') as online_payment_code,
        {{ jsonb_array_count("record -> 'DanhSachPhiLePhi'") }} as fee_items,
        {{ jsonb_array_count(
            "record -> 'DanhSachPhiLePhi'",
            "nullif(btrim(elements.item ->> 'Gia'), '')::numeric = 0"
        ) }} as fee_items_free,
        {{ jsonb_array_count("record -> 'TaiLieuNop'") }} as documents_submitted,
        {{ jsonb_array_count(
            "record -> 'TaiLieuNop'",
            "nullif(btrim(elements.item ->> 'DuongDan'), '') is not null"
        ) }} as documents_with_file,
        {{ jsonb_array_count(
            "record -> 'TaiLieuNop'",
            motcua_boolean("elements.item ->> 'DuocSoHoa'")
        ) }} as documents_reusing_digitised_data,
        {{ jsonb_array_count(
            "record -> 'TaiLieuNop'",
            motcua_boolean("elements.item ->> 'DuocLayTuKhoDMQG'")
        ) }} as documents_from_citizen_store,
        {{ motcua_boolean("record ->> 'HoSoCoThanhPhanSoHoa'") }} as has_digitised_component,
        nullif(btrim(record ->> 'MaKetQua'), '') is not null as has_result_code,
        nullif(btrim(record ->> 'DuongDanTepTinKetQua'), '') is not null as has_result_file,
        -- QuaTrinhXuLy reduced to status and time (officials' names and notes stay in raw)
        case
            when jsonb_typeof(record -> 'QuaTrinhXuLy') = 'array'
                then (
                    select
                        coalesce(
                            jsonb_agg(
                                jsonb_build_object(
                                    'status_code', nullif(btrim(step.item ->> 'TrangThai'), ''),
                                    'at', step.item ->> 'ThoiDiem'
                                )
                                order by step.step_no
                            ),
                            '[]'::jsonb
                        )
                    from
                        jsonb_array_elements(latest_version.record -> 'QuaTrinhXuLy')
                        with ordinality as step (item, step_no)
                )
        end as processing_steps,

        -- lineage
        batch_id as source_batch_id,
        -- the source instance (settings prefix) whose version is the latest
        source_instance,
        record_no as source_record_no

    from latest_version
    where version_rank = 1

)

select
    *,
    {{ local_date('submitted_at') }} as submitted_date,
    {{ local_date('received_at') }} as received_date,
    {{ local_date('due_at') }} as due_date,
    {{ local_date('finished_at') }} as finished_date,
    {{ local_date('returned_at') }} as returned_date
from renamed
