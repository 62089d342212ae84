-- Every version of every catalogue procedure (snapshot snap_motcua__thutuc) with the
-- fields since 2022 the Decision 766 indicators read, and its online service under
-- Decree 42/2022: DVCTrucTuyen, or for a version from before it (no DVCTrucTuyen) MucDo
-- 4 as toan_trinh, 3 as mot_phan, 1-2 as none (contracts/indicators_766.md, "Output").

select
    agency_code,
    procedure_code,
    dbt_valid_from as valid_from,
    dbt_valid_to as valid_to,
    row_number() over (
        partition by agency_code, procedure_code order by dbt_valid_from
    ) = 1 as is_first_version,
    service_level,
    online_service,
    coalesce(
        online_service,
        case
            when service_level = 4 then 'toan_trinh'
            when service_level = 3 then 'mot_phan'
            when service_level in (1, 2) then 'none'
        end
    ) as online_service_effective,
    is_full_online_eligible,
    has_fee,
    requires_paper_result,
    max_processing_time,
    max_processing_time_unit
from {{ ref('snap_motcua__thutuc') }}
