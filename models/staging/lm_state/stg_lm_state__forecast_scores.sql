-- The forecast step's probabilities, read back by int_metrics_forecast and int_scoring_scope
-- (see _lm_state__sources.yml).

with

source as (
    select
        history_id,
        model_version,
        features_hash,
        second_call_prob,
        second_call_method,
        conversion_prob_forecast,
        conversion_method,
        complaint_prob,
        complaint_method,
        scored_at
    from {{ source('lm_state', 'lm_forecast_scores') }}
),

final as (
    select
        history_id,
        model_version,
        features_hash,
        second_call_prob,
        second_call_method,
        conversion_prob_forecast,
        conversion_method,
        complaint_prob,
        complaint_method,
        scored_at
    from source
)

select * from final
