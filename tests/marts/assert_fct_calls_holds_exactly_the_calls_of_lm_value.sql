-- Guards fct_calls' incremental upkeep: it holds exactly the calls lm_value scores (a call missing from
-- either side, e.g. quarantined or gone from the source but still in fct_calls, is a failure row).
-- A warning, not an error: a run that wrote lm_value without fct_calls (`dbt run --select +lm_value`)
-- leaves the statistics behind until one full rebuild (lm build --full-refresh) - they are derived data,
-- lm_value stays right. test_stats.py asserts the invariant itself after incremental runs.
{{ config(severity='warn') }}
with

value_calls as (
    select distinct history_id
    from {{ ref('lm_value') }}
),

fact_calls as (
    select history_id
    from {{ ref('fct_calls') }}
),

final as (
    select
        value_calls.history_id,
        'in lm_value only' as problem
    from value_calls
    left join fact_calls
        on value_calls.history_id = fact_calls.history_id
    where fact_calls.history_id is null
    union all
    select
        fact_calls.history_id,
        'in fct_calls only' as problem
    from fact_calls
    left join value_calls
        on fact_calls.history_id = value_calls.history_id
    where value_calls.history_id is null
)

select * from final
