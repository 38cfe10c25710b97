-- Guards the key of agg_lm_daily_metric_stats: one row per call date x metric x dimension x member
-- (x label for label metrics; value_label is NULL on numeric rows, so unique_combination cannot test it).
select
    call_date,
    metric_code,
    dimension,
    dimension_value,
    value_label,
    count(*) as duplicate_rows
from {{ ref('agg_lm_daily_metric_stats') }}
group by call_date, metric_code, dimension, dimension_value, value_label
having count(*) > 1
