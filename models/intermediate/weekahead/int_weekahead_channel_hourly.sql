-- Inbound calls offered per call date x hour x channel (a missing channel is '(none)'), the channel series
-- lm forecast forecasts and reconciles to the total of int_weekahead_hourly (their sum per hour is that
-- hour's calls_offered). A view over fct_calls, read once per lm forecast run.
{{ config(materialized='view') }}

with

facts as (
    select
        call_date,
        call_hour,
        channel,
        is_inbound
    from {{ ref('fct_calls') }}
),

final as (
    select
        call_date,
        call_hour,
        coalesce(channel, '(none)') as channel,
        count(*) as calls_offered
    from facts
    where is_inbound
    group by call_date, call_hour, coalesce(channel, '(none)')
)

select * from final
