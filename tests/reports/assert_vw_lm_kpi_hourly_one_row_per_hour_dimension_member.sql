-- Guards the key of vw_lm_kpi_hourly: one row per (call_date, call_hour, dimension, dimension_value) after
-- its aggregation.
select
    call_date,
    call_hour,
    dimension,
    dimension_value,
    count(*) as duplicate_rows
from {{ ref('vw_lm_kpi_hourly') }}
group by call_date, call_hour, dimension, dimension_value
having count(*) > 1
