-- Guards the reconciliation base of lm forecast: per call date x hour, the channels' calls offered add up
-- to int_weekahead_hourly's calls_offered (no inbound call lost or counted twice by the channel split).
with

channels as (
    select
        call_date,
        call_hour,
        sum(calls_offered) as channel_calls_offered
    from {{ ref('int_weekahead_channel_hourly') }}
    group by call_date, call_hour
),

hours as (
    select
        call_date,
        call_hour,
        calls_offered
    from {{ ref('int_weekahead_hourly') }}
    where calls_offered > 0
),

-- both directions (MySQL has no full outer join): an hour whose channels differ, a channel hour with no hour
final as (
    select
        hours.call_date,
        hours.call_hour,
        hours.calls_offered,
        channels.channel_calls_offered
    from hours
    left join channels
        on
            hours.call_date = channels.call_date
            and hours.call_hour = channels.call_hour
    where coalesce(channels.channel_calls_offered, -1) <> hours.calls_offered
    union all
    select
        channels.call_date,
        channels.call_hour,
        hours.calls_offered,
        channels.channel_calls_offered
    from channels
    left join hours
        on
            channels.call_date = hours.call_date
            and channels.call_hour = hours.call_hour
    where hours.call_date is null
)

select * from final
