-- Guards: every valid call has exactly the full set of the dictionary's metrics (the forecast ones too: NULL
-- until lm score has scored the call), every
-- quarantined call has none, and no row points to a call that is not in call_history.
with

expected_metrics as (
    select count(*) as metric_count
    from {{ ref('lm_metric_dictionary') }}
),

produced as (
    select
        lm_value.history_id,
        count(*) as metric_count
    from {{ ref('lm_value') }} as lm_value
    inner join {{ ref('lm_metric_dictionary') }} as metric_dictionary
        on lm_value.metric_code = metric_dictionary.metric_code
    group by lm_value.history_id
),

calls as (
    select
        history_id,
        quarantine_reason
    from {{ ref('int_calls_validated') }}
),

valid_calls_incomplete as (
    select
        calls.history_id,
        'valid call without its full metric set' as problem
    from calls
    cross join expected_metrics
    left join produced
        on calls.history_id = produced.history_id
    where
        calls.quarantine_reason is null
        and coalesce(produced.metric_count, 0) <> expected_metrics.metric_count
),

quarantined_with_metrics as (
    select
        calls.history_id,
        'quarantined call with metrics' as problem
    from calls
    inner join produced
        on calls.history_id = produced.history_id
    where calls.quarantine_reason is not null
),

unknown_calls as (
    select
        produced.history_id,
        'metrics for a call not in call_history' as problem
    from produced
    left join calls
        on produced.history_id = calls.history_id
    where calls.history_id is null
),

final as (
    select
        history_id,
        problem
    from valid_calls_incomplete
    union all
    select
        history_id,
        problem
    from quarantined_with_metrics
    union all
    select
        history_id,
        problem
    from unknown_calls
)

select * from final
