select
    channel_code,
    channel_name_vi,
    channel_name_en,
    is_online,
    is_bcci
from {{ ref('channels') }}
