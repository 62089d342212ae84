select
    status_code,
    status_name_vi,
    status_name_en,
    status_group,
    is_final
from {{ ref('dossier_statuses') }}
