-- Guards: staging keeps every source call exactly once (no call is lost or duplicated before scoring).
-- Returns a row when the counts or the distinct ids differ.
with

source_calls as (
    select
        count(*) as call_count,
        count(distinct history_id) as distinct_calls
    from {{ source('operatorbot', 'call_history') }}
),

staged_calls as (
    select
        count(*) as call_count,
        count(distinct history_id) as distinct_calls
    from {{ ref('stg_operatorbot__call_history') }}
),

final as (
    select
        source_calls.call_count as source_call_count,
        staged_calls.call_count as staged_call_count
    from source_calls
    cross join staged_calls
    where
        source_calls.call_count <> staged_calls.call_count
        or source_calls.distinct_calls <> staged_calls.distinct_calls
)

select * from final
