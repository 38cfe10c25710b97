-- Guards the key of vw_lm_forecast_hourly: one row per series and hour.
select
    series_code,
    period_start,
    count(*) as duplicate_rows
from {{ ref('vw_lm_forecast_hourly') }}
group by series_code, period_start
having count(*) > 1
