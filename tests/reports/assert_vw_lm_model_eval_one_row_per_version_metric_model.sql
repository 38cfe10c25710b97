-- Guards the key of vw_lm_model_eval: one row per model version, metric and model kind, and exactly one
-- winner per version and metric (lm score uses the winner; two or none would make calc_method ambiguous).
with

evaluation as (
    select
        model_version,
        metric_code,
        model_kind,
        is_winner
    from {{ ref('vw_lm_model_eval') }}
),

per_key as (
    select
        model_version,
        metric_code,
        model_kind,
        count(*) as rows_per_key
    from evaluation
    group by model_version, metric_code, model_kind
),

per_metric as (
    select
        model_version,
        metric_code,
        sum(case when is_winner then 1 else 0 end) as winners
    from evaluation
    group by model_version, metric_code
),

final as (
    select
        model_version,
        metric_code,
        'duplicate evaluation row' as problem
    from per_key
    where rows_per_key > 1
    union all
    select
        model_version,
        metric_code,
        'not exactly one winner' as problem
    from per_metric
    where winners <> 1
)

select * from final
