-- Guards the key of vw_lm_load_profile: one row per (call_weekday, call_hour) after its aggregation.
select
    call_weekday,
    call_hour,
    count(*) as duplicate_rows
from {{ ref('vw_lm_load_profile') }}
group by call_weekday, call_hour
having count(*) > 1
