-- Guards the key of lm_metric_validity: one row per metric and level, neither of them NULL (a level
-- mapped twice, or a metric without its level mapping, would show here).
with

counted as (
    select
        metric_code,
        metric_level,
        count(*) as rows_per_key
    from {{ ref('lm_metric_validity') }}
    group by metric_code, metric_level
),

final as (
    select
        metric_code,
        metric_level,
        rows_per_key
    from counted
    where rows_per_key > 1 or metric_code is null or metric_level is null
)

select * from final
