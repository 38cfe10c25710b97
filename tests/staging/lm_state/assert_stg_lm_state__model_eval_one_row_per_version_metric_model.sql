-- Guards the key of stg_lm_state__model_eval: one evaluation row per model version, metric and model kind
-- (lm train appends one set per version; a second write of the same version would show here).
with

counted as (
    select
        model_version,
        metric_code,
        model_kind,
        count(*) as rows_per_key
    from {{ ref('stg_lm_state__model_eval') }}
    group by model_version, metric_code, model_kind
),

final as (
    select
        model_version,
        metric_code,
        model_kind,
        rows_per_key
    from counted
    where rows_per_key > 1 or model_version is null or metric_code is null or model_kind is null
)

select * from final
