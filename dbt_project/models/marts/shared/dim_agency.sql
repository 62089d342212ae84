-- The agencies the warehouse reports for: those the nights extracted for, under the name
-- their settings or data set gave (meta.agency, written by the loaders). No seed names an
-- agency, so the same project serves any Department.

select
    agency_code,
    coalesce(agency_name, agency_code) as agency_name,
    case
        when agency_name like 'Sở Giáo dục và Đào tạo %'
            then
                'Department of Education and Training of '
                || substr(agency_name, length('Sở Giáo dục và Đào tạo ') + 1)
    end as agency_name_en,
    'province'::text as agency_level,
    case
        when agency_name like 'Sở Giáo dục và Đào tạo %'
            then substr(agency_name, length('Sở Giáo dục và Đào tạo ') + 1)
    end as province_name,
    agency_name is not null as is_reviewed
from {{ source('meta', 'agency') }}
