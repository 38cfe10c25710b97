-- The holdout evaluation of the forecast step's models, read by vw_lm_model_eval (see _lm_state__sources.yml).

with

source as (
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
    from {{ source('lm_state', 'lm_model_eval') }}
),

final as (
    select
        model_version,
        metric_code,
        model_kind,
        calc_method,
        coalesce(is_winner = 1, false) as is_winner,
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
    from source
)

select * from final
