{#-
    Organizations of the document exchange by QCVN 102 identifier (NNN.NN.NN.XNN read
    right to left: X = G central / H province, then levels 2, 3, 4). The level is the
    identifier's own: 1 + the number of non-zero parts before the suffix.
-#}
{{ config(tags=['documents']) }}

select
    organization_code,
    coalesce(organization_name, organization_code) as organization_name,
    case
        when organization_code ~ '^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$' then
            case
                when split_part(organization_code, '.', 1) <> '000' then 4
                when split_part(organization_code, '.', 2) <> '00' then 3
                when split_part(organization_code, '.', 3) <> '00' then 2
                else 1
            end
    end::int as identifier_level,
    case left(split_part(organization_code, '.', 4), 1)
        when 'G' then 'central'
        when 'H' then 'province'
    end as administration,
    split_part(organization_code, '.', 4) as level1_code,
    organization_code ~ '^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$' as is_valid_identifier
from {{ ref('int_organizations') }}
