{#-
    Data-quality finding, not a build failure: documents whose package and listing disagree
    on "digitally signed" (the package is authoritative, contracts/eoffice.md).
-#}
{{ config(tags=['documents']) }}

select
    document_key,
    document_id,
    direction,
    counted_date,
    listing_says_signed,
    is_signed as package_is_signed,
    case
        when listing_says_signed then 'listed_signed_package_unsigned'
        else 'package_signed_listed_unsigned'
    end as finding
from {{ ref('fct_document') }}
where package_read and listing_says_signed is distinct from is_signed
