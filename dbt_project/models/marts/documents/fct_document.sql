{#-
    e-Office documents, one row per document (latest known state), incoming and outgoing,
    secret ones included with only their direction, secrecy and dates (everything else
    null). `is_signed` comes from the package (authoritative), `listing_says_signed` from
    e-Office's own flag; they disagree in qa_document_signature_mismatch.

    Grain: one document of one agency's e-Office (document_key = agency code and id:
    every instance numbers its own documents, so two agencies' ids collide).
-#}
{{ config(tags=['documents']) }}

select
    vanban.document_key,
    vanban.document_id,
    vanban.agency_code,
    vanban.agency_code as source_agency_code,
    case vanban.direction_code when 'den' then 'incoming' when 'di' then 'outgoing' end
        as direction,
    vanban.is_secret,
    vanban.secrecy_code,
    vanban.number_notation,
    vanban.register_no,
    vanban.document_type_code,
    vanban.subject,
    vanban.issuer_code,
    vanban.signer_pseudonym,
    header.signer_position,
    vanban.urgency_code,
    vanban.channel_code,
    coalesce(vanban.channel_code = 'truc_lien_thong', false) as is_via_axis,
    vanban.status_code,
    vanban.department_name,
    vanban.promulgation_date,
    vanban.received_date,
    case vanban.direction_code
        when 'den' then vanban.received_date
        else vanban.promulgation_date
    end as counted_date,
    vanban.due_date,
    vanban.completed_date,
    vanban.has_package,
    header.document_id is not null as package_read,
    coalesce(header.is_signed, false) as is_signed,
    vanban.listing_says_signed,
    header.certificate_subject,
    header.hop_count,
    header.attachment_count,
    header.attachment_bytes,
    vanban.updated_at
from {{ ref('stg_eoffice__vanban') }} as vanban
left join {{ ref('stg_eoffice__edxml_header') }} as header
    on vanban.document_key = header.document_key and not vanban.is_secret
