-- Guards: one call x one metric -> one row in lm_value (the registry's upsert never duplicates).
with

counted as (
    select
        history_id,
        metric_code,
        count(*) as rows_per_key
    from {{ ref('lm_value') }}
    group by history_id, metric_code
),

final as (
    select
        history_id,
        metric_code,
        rows_per_key
    from counted
    where rows_per_key > 1
)

select * from final
