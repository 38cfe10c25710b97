-- Guards the key of vw_lm_kpi_daily: one row per (call_date, dimension, dimension_value) after its aggregation.
select
    call_date,
    dimension,
    dimension_value,
    count(*) as duplicate_rows
from {{ ref('vw_lm_kpi_daily') }}
group by call_date, dimension, dimension_value
having count(*) > 1
