{{ config(tags=['documents']) }}

select
    document_key,
    document_id,
    organization_code,
    recipient_order,
    in_listing,
    in_package
from {{ ref('int_document_recipients') }}
