-- Guards: no call is silently lost: valid calls (those with metrics in lm_value) plus quarantined calls
-- add up to every call in call_history.
with

all_calls as (
    select count(*) as call_count
    from {{ ref('stg_operatorbot__call_history') }}
),

scored_calls as (
    select count(distinct history_id) as call_count
    from {{ ref('lm_value') }}
),

quarantined_calls as (
    select count(*) as call_count
    from {{ ref('int_calls_quarantined') }}
),

final as (
    select
        all_calls.call_count as all_calls,
        scored_calls.call_count as scored_calls,
        quarantined_calls.call_count as quarantined_calls
    from all_calls
    cross join scored_calls
    cross join quarantined_calls
    where scored_calls.call_count + quarantined_calls.call_count <> all_calls.call_count
)

select * from final
