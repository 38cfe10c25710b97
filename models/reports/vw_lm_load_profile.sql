-- Load profile, the input of forecasting and staffing: per ISO weekday x hour, inbound arrivals (calls
-- offered) and offered workload (sum of queue_impact_index, operator-minutes; / 60 = erlangs) of the last
-- var lm_load_profile_weeks weeks of calls (ending on the latest call date in fct_calls): mean and p90
-- over the dates of that weekday in the window (a date with calls but none in an hour counts as 0 there;
-- a date without any call is not in the window's calendar).
{%- set weeks = lm_var('lm_load_profile_weeks') %}

with

facts as (
    select
        call_date,
        call_hour,
        call_weekday,
        is_inbound,
        queue_impact_index
    from {{ ref('fct_calls') }}
),

latest as (
    select max(call_date) as latest_date
    from facts
),

window_facts as (
    select facts.*
    from facts
    cross join latest
    where facts.call_date > {{ lm_date_of(lm_add_interval('latest.latest_date', -7 * weeks, 'day')) }}
),

calendar_days as (
    select distinct
        call_date,
        call_weekday
    from window_facts
),

digits as (
    select 0 as digit
    union all
    select 1 as digit
    union all
    select 2 as digit
    union all
    select 3 as digit
    union all
    select 4 as digit
    union all
    select 5 as digit
    union all
    select 6 as digit
    union all
    select 7 as digit
    union all
    select 8 as digit
    union all
    select 9 as digit
),

hours as (
    select tens.digit * 10 + ones.digit as call_hour
    from digits as tens
    cross join digits as ones
    where tens.digit * 10 + ones.digit < 24
),

hourly as (
    select
        call_date,
        call_hour,
        sum({{ lm_bool_to_int('is_inbound') }}) as arrivals,
        sum(queue_impact_index) as workload_min
    from window_facts
    group by call_date, call_hour
),

slots as (
    select
        calendar_days.call_date,
        calendar_days.call_weekday,
        hours.call_hour,
        cast(coalesce(hourly.arrivals, 0) as {{ lm_type_float() }}) as arrivals,
        cast(coalesce(hourly.workload_min, 0) as {{ lm_type_float() }}) as workload_min
    from calendar_days
    cross join hours
    left join hourly
        on
            calendar_days.call_date = hourly.call_date
            and hours.call_hour = hourly.call_hour
),

ranked as (
    select
        call_weekday,
        call_hour,
        arrivals,
        workload_min,
        row_number() over (partition by call_weekday, call_hour order by arrivals) as arrivals_rank,
        row_number() over (partition by call_weekday, call_hour order by workload_min) as workload_rank,
        count(*) over (partition by call_weekday, call_hour) as slot_count
    from slots
),

final as (
    select
        call_weekday,
        call_hour,
        count(*) as day_count,
        avg(arrivals) as arrivals_mean,
        {{ lm_percentile_cont('arrivals', 0.9, 'arrivals_rank', 'slot_count') }} as arrivals_p90,
        avg(workload_min) as workload_min_mean,
        {{ lm_percentile_cont('workload_min', 0.9, 'workload_rank', 'slot_count') }} as workload_min_p90,
        avg(workload_min) / 60 as load_erlangs_mean
    from ranked
    group by call_weekday, call_hour
)

select * from final
