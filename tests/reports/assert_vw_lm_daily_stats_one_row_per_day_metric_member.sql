-- Guards the key of vw_lm_daily_stats: one row per call date x metric x dimension x member x label (the
-- dictionary join must not double a row).
select
    call_date,
    metric_code,
    dimension,
    dimension_value,
    value_label,
    count(*) as duplicate_rows
from {{ ref('vw_lm_daily_stats') }}
group by call_date, metric_code, dimension, dimension_value, value_label
having count(*) > 1
