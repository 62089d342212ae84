{{ config(tags=['documents']) }}

select
    document_type_code,
    document_type_name_vi,
    document_type_name_en,
    qcvn_type
from {{ ref('document_types') }}
