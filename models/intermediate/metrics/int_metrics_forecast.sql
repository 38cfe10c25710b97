-- Forecast metrics of each scoped call, from the forecast step's latest scores (stg_lm_state__forecast_scores,
-- written by lm score with the model lm train saved): second_call_prob and complaint_prob as scored;
-- conversion_prob_forecast is the learned probability for a target call that did not book, 1 for a call
-- that booked (it already converted), NULL for the rest (non-target, ungraded, unanswered: the question
-- does not apply). Before the first lm score a call's forecast metrics are NULL (the dictionary allows
-- it), calc_method is the dictionary's first method and lm_version the rules' version; once scored,
-- calc_method says which model kind won for the metric (regression | gbm) and lm_version is the model
-- artifact's version.
with

calls as (
    select
        history_id,
        call_score_id,
        is_answered,
        is_target,
        outcome
    from {{ ref('int_calls_enriched') }}
),

scores as (
    select
        history_id,
        model_version,
        second_call_prob,
        second_call_method,
        conversion_prob_forecast,
        conversion_method,
        complaint_prob,
        complaint_method
    from {{ ref('stg_lm_state__forecast_scores') }}
),

final as (
    select
        calls.history_id,
        calls.call_score_id,
        round(scores.second_call_prob, 4) as second_call_prob,
        case
            when calls.is_answered and calls.outcome = 'record' then 1
            when calls.is_answered and calls.is_target then round(scores.conversion_prob_forecast, 4)
        end as conversion_prob_forecast,
        round(scores.complaint_prob, 4) as complaint_prob,
        coalesce(scores.second_call_method, 'gbm') as second_call_method,
        case
            when calls.is_answered and calls.outcome = 'record' then 'rule'
            else coalesce(scores.conversion_method, 'gbm')
        end as conversion_method,
        coalesce(scores.complaint_method, 'gbm') as complaint_method,
        coalesce(scores.model_version, {{ lm_sql_string(lm_var('lm_version')) }}) as model_version
    from calls
    left join scores
        on calls.history_id = scores.history_id
)

select * from final
