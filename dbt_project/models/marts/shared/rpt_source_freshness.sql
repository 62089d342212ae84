-- What each source system has landed: for the operator (is a source late?) and for the
-- report, which gives null figures for a source that never landed anything.

select
    batch.source as source_system,
    batch.entity,
    count(*) filter (where batch.status = 'succeeded')::int as succeeded_batches,
    count(*) filter (where batch.status = 'failed')::int as failed_batches,
    max(batch.window_end) filter (where batch.status = 'succeeded') as landed_until,
    max(batch.finished_at) filter (where batch.status = 'succeeded') as last_landed_at,
    coalesce(sum(batch.rows_landed) filter (where batch.status = 'succeeded'), 0)::bigint
        as rows_landed,
    coalesce(sum(batch.rows_quarantined) filter (where batch.status = 'succeeded'), 0)::bigint
        as rows_quarantined
from {{ source('meta', 'batch') }} as batch
group by batch.source, batch.entity
