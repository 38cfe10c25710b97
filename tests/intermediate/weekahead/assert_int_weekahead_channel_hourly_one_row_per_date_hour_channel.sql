-- Guards the key of int_weekahead_channel_hourly: one row per (call_date, call_hour, channel).
select
    call_date,
    call_hour,
    channel,
    count(*) as duplicate_rows
from {{ ref('int_weekahead_channel_hourly') }}
group by call_date, call_hour, channel
having count(*) > 1
