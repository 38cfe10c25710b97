-- The forecast models' holdout evaluation for BI: every model lm train fitted, per metric and model kind,
-- with is_current marking the latest trained version (the one lm score uses unless told otherwise) and
-- the lift of the model's Brier score over the base rate's.
with

evaluation as (
    select
        model_version,
        metric_code,
        model_kind,
        calc_method,
        is_winner,
        n_holdout,
        n_positive,
        base_rate,
        roc_auc,
        oracle_auc,
        auc_ratio,
        brier,
        base_brier,
        ece,
        n_fit,
        n_calibration,
        holdout_start_at,
        lm_version,
        trained_at
    from {{ ref('stg_lm_state__model_eval') }}
),

latest as (
    select max(trained_at) as trained_at
    from evaluation
),

final as (
    select
        evaluation.model_version,
        evaluation.metric_code,
        evaluation.model_kind,
        evaluation.calc_method,
        evaluation.is_winner,
        evaluation.trained_at = latest.trained_at as is_current,
        evaluation.n_holdout,
        evaluation.n_positive,
        evaluation.base_rate,
        evaluation.roc_auc,
        evaluation.oracle_auc,
        evaluation.auc_ratio,
        evaluation.brier,
        evaluation.base_brier,
        {{ lm_safe_divide('evaluation.base_brier - evaluation.brier', 'evaluation.base_brier') }} as brier_skill,
        evaluation.ece,
        evaluation.n_fit,
        evaluation.n_calibration,
        evaluation.holdout_start_at,
        evaluation.lm_version,
        evaluation.trained_at
    from evaluation
    cross join latest
)

select * from final
