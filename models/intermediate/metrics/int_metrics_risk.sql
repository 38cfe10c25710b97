-- Risk labels of each scoped call: churn_risk_level (low/medium/high), complaint_risk_flag and
-- followup_needed_flag (true/false). Points and thresholds from int_calc_params; reads the quality
-- metrics of the same call.
with

calls as (
    select
        history_id,
        call_score_id,
        call_status,
        is_answered,
        is_inbound,
        is_target,
        outcome,
        refusal_reason,
        call_category,
        await_sec,
        previous_call_gap_hours,
        next_answered_gap_hours
    from {{ ref('int_calls_enriched') }}
),

quality as (
    select
        history_id,
        normalized_call_score,
        script_risk_index
    from {{ ref('int_metrics_quality') }}
),

refusal_reasons as (
    select
        refusal_reason,
        is_clinic_side
    from {{ ref('lm_refusal_reasons') }}
),

params as (
    select
        churn_points_refusal,
        churn_points_complaint,
        churn_points_low_score,
        churn_points_unanswered,
        churn_points_repeat_no_record,
        churn_low_score_below,
        churn_medium_from,
        churn_high_from,
        complaint_score_below,
        complaint_script_risk_from,
        complaint_long_wait_sec,
        followup_window_hours
    from {{ ref('int_calc_params') }}
),

signals as (
    select
        calls.history_id,
        calls.call_score_id,
        coalesce(calls.outcome = 'refusal', false) as is_refusal,
        coalesce(calls.call_category = 'complaint', false) as is_complaint_category,
        coalesce(quality.normalized_call_score < params.churn_low_score_below, false) as is_low_score_for_churn,
        coalesce(quality.normalized_call_score < params.complaint_score_below, false) as is_low_score_for_complaint,
        coalesce(quality.script_risk_index >= params.complaint_script_risk_from, false) as is_high_script_risk,
        calls.is_inbound
        and not calls.is_answered
        and coalesce(calls.next_answered_gap_hours > params.followup_window_hours, true) as is_unanswered_unresolved,
        calls.previous_call_gap_hours is not null
        and coalesce(calls.outcome <> 'record', true) as is_repeat_without_booking,
        calls.call_status in ('missed', 'abandoned')
        and coalesce(calls.await_sec >= params.complaint_long_wait_sec, false) as is_long_lost_wait,
        coalesce(calls.outcome = 'callback', false) as is_callback_agreed,
        coalesce(calls.is_target, false)
        and coalesce(calls.outcome <> 'record', true)
        and coalesce(refusal_reasons.is_clinic_side = 1, false) as is_clinic_side_loss,
        params.churn_points_refusal,
        params.churn_points_complaint,
        params.churn_points_low_score,
        params.churn_points_unanswered,
        params.churn_points_repeat_no_record,
        params.churn_medium_from,
        params.churn_high_from
    from calls
    cross join params
    left join quality
        on calls.history_id = quality.history_id
    left join refusal_reasons
        on calls.refusal_reason = refusal_reasons.refusal_reason
),

points as (
    select
        history_id,
        call_score_id,
        is_complaint_category,
        is_low_score_for_complaint,
        is_high_script_risk,
        is_long_lost_wait,
        is_callback_agreed,
        is_unanswered_unresolved,
        is_clinic_side_loss,
        churn_medium_from,
        churn_high_from,
        case when is_refusal then churn_points_refusal else 0 end
        + case when is_complaint_category then churn_points_complaint else 0 end
        + case when is_low_score_for_churn then churn_points_low_score else 0 end
        + case when is_unanswered_unresolved then churn_points_unanswered else 0 end
        + case when is_repeat_without_booking then churn_points_repeat_no_record else 0 end as churn_points
    from signals
),

final as (
    select
        history_id,
        call_score_id,
        churn_points,
        case
            when churn_points >= churn_high_from then 'high'
            when churn_points >= churn_medium_from then 'medium'
            else 'low'
        end as churn_risk_level,
        case
            when is_complaint_category or is_low_score_for_complaint or is_high_script_risk or is_long_lost_wait
                then 'true'
            else 'false'
        end as complaint_risk_flag,
        case
            when is_callback_agreed or is_unanswered_unresolved or is_clinic_side_loss then 'true'
            else 'false'
        end as followup_needed_flag
    from points
)

select * from final
