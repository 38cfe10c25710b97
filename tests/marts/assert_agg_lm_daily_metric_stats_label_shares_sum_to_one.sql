-- Guards the label statistics: the label shares of a day x metric x member sum to 1, and the label counts
-- to the calls of that day with a label (the numeric rows of the same member count the calls with a value).
select
    call_date,
    metric_code,
    dimension,
    dimension_value,
    sum(label_share) as share_sum
from {{ ref('agg_lm_daily_metric_stats') }}
where value_type = 'label'
group by call_date, metric_code, dimension, dimension_value
having abs(sum(label_share) - 1) > 0.000001
