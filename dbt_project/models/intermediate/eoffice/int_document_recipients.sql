{#-
    Recipients of each non-secret document: the listing's noi_nhan (outgoing) and the
    package's To (any direction), one row per document and organization.
-#}
{{ config(tags=['documents']) }}

with

from_listing as (

    select
        vanban.document_key,
        vanban.document_id,
        recipient.value ->> 'ma_dinh_danh' as organization_code,
        normalize(recipient.value ->> 'ten', nfc) as organization_name,
        recipient.ordinality::int as recipient_order,
        'listing' as found_in
    from {{ ref('stg_eoffice__vanban') }} as vanban
    cross join
        lateral jsonb_array_elements(coalesce(vanban.recipients, '[]'::jsonb))
        with ordinality as recipient (value, ordinality)
    where not vanban.is_secret

),

from_package as (

    select
        header.document_key,
        header.document_id,
        recipient.value ->> 'organ_id' as organization_code,
        normalize(recipient.value ->> 'organ_name', nfc) as organization_name,
        recipient.ordinality::int as recipient_order,
        'package' as found_in
    from {{ ref('stg_eoffice__edxml_header') }} as header
    cross join
        lateral jsonb_array_elements(coalesce(header.recipients, '[]'::jsonb))
        with ordinality as recipient (value, ordinality)

),

unioned as (

    select * from from_listing
    union all
    select * from from_package

)

select
    document_key,
    document_id,
    organization_code,
    min(organization_name) as organization_name,
    min(recipient_order) as recipient_order,
    bool_or(found_in = 'listing') as in_listing,
    bool_or(found_in = 'package') as in_package
from unioned
where organization_code is not null and organization_code <> ''
group by document_key, document_id, organization_code
