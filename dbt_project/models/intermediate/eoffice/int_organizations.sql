{#- Every organization (QCVN 102 identifier) e-Office mentions, with its best-known name. -#}
{{ config(tags=['documents']) }}

with

mentioned as (

    select
        issuer_code as organization_code,
        issuer_name as organization_name,
        1 as name_rank
    from {{ ref('stg_eoffice__vanban') }}
    where not is_secret
    union all
    select
        organization_code,
        organization_name,
        2 as name_rank
    from {{ ref('int_document_recipients') }}
    union all
    select
        sender_code as organization_code,
        sender_name as organization_name,
        3 as name_rank
    from {{ ref('stg_eoffice__edxml_header') }}
    union all
    select
        hop.value ->> 'organ_id' as organization_code,
        null as organization_name,
        9 as name_rank
    from {{ ref('stg_eoffice__edxml_header') }} as header
    cross join lateral jsonb_array_elements(coalesce(header.trace, '[]'::jsonb)) as hop (value)

)

select
    organization_code,
    (
        array_agg(organization_name order by name_rank, organization_name)
        filter (where organization_name is not null)
    )[1
    ] as organization_name
from mentioned
where organization_code is not null and organization_code <> ''
group by organization_code
