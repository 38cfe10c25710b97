-- Guards the key of int_weekahead_hourly: one row per (call_date, call_hour).
select
    call_date,
    call_hour,
    count(*) as duplicate_rows
from {{ ref('int_weekahead_hourly') }}
group by call_date, call_hour
having count(*) > 1
