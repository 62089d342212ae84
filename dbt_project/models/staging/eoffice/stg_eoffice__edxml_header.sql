{#- One row per document: the header facts of its package as last read (succeeded batches). -#}
{{ config(tags=['documents']) }}

with

landed as (

    select
        header.*,
        batch.agency_code
    from {{ source('eoffice', 'edxml_header') }} as header
    inner join {{ source('meta', 'batch') }} as batch
        on header.batch_id = batch.batch_id
    where batch.status = 'succeeded'

),

latest as (

    select
        *,
        row_number() over (
            partition by agency_code, document_id order by batch_id desc, record_no desc
        ) as read_rank
    from landed

)

select
    agency_code || ':' || document_id as document_key,
    document_id,
    agency_code,
    facts ->> 'namespace' as package_namespace,
    facts ->> 'root' as package_root,
    facts -> 'sender' ->> 'organ_id' as sender_code,
    normalize(facts -> 'sender' ->> 'organ_name', nfc) as sender_name,
    facts -> 'recipients' as recipients,
    facts ->> 'document_id' as edxml_document_id,
    facts ->> 'code_number' as code_number,
    normalize(facts ->> 'code_notation', nfc) as code_notation,
    (facts ->> 'promulgation_date')::date as promulgation_date,
    facts ->> 'document_type' as qcvn_type,
    normalize(facts ->> 'document_type_name', nfc) as document_type_name,
    normalize(facts ->> 'signer_position', nfc) as signer_position,
    (facts ->> 'due_date')::date as due_date,
    facts ->> 'priority' as priority_code,
    jsonb_array_length(coalesce(facts -> 'trace', '[]'::jsonb)) as hop_count,
    facts -> 'trace' as trace,
    (facts ->> 'signed')::boolean as is_signed,
    facts ->> 'certificate_subject' as certificate_subject,
    jsonb_array_length(coalesce(facts -> 'attachments', '[]'::jsonb)) as attachment_count,
    (facts ->> 'attachments_bytes')::bigint as attachment_bytes,
    batch_id as source_batch_id,
    record_no as source_record_no
from latest
where read_rank = 1
