-- Quarantined records counted by source, entity and reason: never the records themselves
-- (they stay in meta, out of the reader's reach, with the personal data they may hold).

select
    quarantine.source as source_system,
    quarantine.entity,
    quarantine.reason,
    count(*)::bigint as quarantined_rows,
    max(quarantine.quarantined_at) as last_quarantined_at
from {{ source('meta', 'quarantine') }} as quarantine
group by quarantine.source, quarantine.entity, quarantine.reason
