-- Guards the key of vw_lm_staffing_hourly: one row per forecast hour of the run shown.
select
    period_start,
    count(*) as duplicate_rows
from {{ ref('vw_lm_staffing_hourly') }}
group by period_start
having count(*) > 1
