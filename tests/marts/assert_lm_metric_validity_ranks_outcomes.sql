-- Guards the direction of every risk/flag metric in lm_metric_validity: among its levels with at least
-- 100 uncensored calls, the top level's outcome rate must exceed the bottom level's, and the metric's AUC
-- must exceed 0.5. One row per metric that does not. Severity warn: how well the rules rank what happens
-- is a property of the client's data, not a defect of the code (pytests/test_metric_validity.py asserts it
-- strictly on the demo).
{{ config(severity='warn') }}
{%- set min_level_calls = 100 %}

with

validity as (
    select
        metric_code,
        level_rank,
        n - n_censored as uncensored_n,
        outcome_rate,
        auc
    from {{ ref('lm_metric_validity') }}
),

measured_levels as (
    select
        metric_code,
        level_rank,
        outcome_rate,
        auc
    from validity
    where uncensored_n >= {{ min_level_calls }}
),

level_bounds as (
    select
        metric_code,
        min(level_rank) as bottom_rank,
        max(level_rank) as top_rank
    from measured_levels
    group by metric_code
    having count(*) >= 2
),

per_metric as (
    select
        level_bounds.metric_code,
        max(
            case when measured_levels.level_rank = level_bounds.bottom_rank then measured_levels.outcome_rate end
        ) as bottom_rate,
        max(
            case when measured_levels.level_rank = level_bounds.top_rank then measured_levels.outcome_rate end
        ) as top_rate,
        max(measured_levels.auc) as auc
    from level_bounds
    inner join measured_levels
        on level_bounds.metric_code = measured_levels.metric_code
    group by level_bounds.metric_code
),

final as (
    select
        metric_code,
        bottom_rate,
        top_rate,
        auc
    from per_metric
    where not (top_rate > bottom_rate) or not (auc > 0.5)
)

select * from final
