-- Guards the key of vw_lm_forecast_daily: one row per series and day (two chosen models of a series, or two
-- runs shown at once, would show here).
select
    series_code,
    forecast_date,
    count(*) as duplicate_rows
from {{ ref('vw_lm_forecast_daily') }}
group by series_code, forecast_date
having count(*) > 1
