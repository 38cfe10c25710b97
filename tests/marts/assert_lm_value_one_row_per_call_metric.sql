-- Guards: one call x one metric -> one row in lm_value (the registry's upsert never duplicates).
with

counted as (
    select
        history_id,
        metric_code,
        count(*) as row_count
    from {{ ref('lm_value') }}
    group by history_id, metric_code
),

final as (
    select
        history_id,
        metric_code,
        row_count
    from counted
    where row_count > 1
)

select * from final
