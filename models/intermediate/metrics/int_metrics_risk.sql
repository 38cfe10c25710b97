-- Risk labels of each scoped call: churn_risk_level (low/medium/high), complaint_risk_flag and
-- followup_needed_flag (true/false). Points and thresholds from int_calc_params; reads the quality
-- metrics of the same call. churn_risk_level and complaint_risk_flag are at call time: they use the call,
-- its latest grading and nothing later. followup_needed_flag is a status as of now: its trigger is set at
-- call time (followup_trigger_at_call, kept in feature_pack) and it clears once an answered call with the
-- caller follows within the caller window.
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
        has_caller_key,
        next_answered_gap_hours
    from {{ ref('int_calls_enriched') }}
),

quality as (
    select
        history_id,
        normalized_call_score
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
        churn_points_no_record,
        churn_points_unanswered,
        churn_points_long_wait,
        churn_points_clinic_side,
        churn_points_complaint,
        churn_points_low_score,
        churn_points_callback,
        churn_medium_from,
        churn_high_from,
        low_score_below,
        long_wait_sec
    from {{ ref('int_calc_params') }}
),

signals as (
    select
        calls.history_id,
        calls.call_score_id,
        coalesce(calls.outcome = 'record', false) as is_booked,
        coalesce(calls.is_target, false) and coalesce(calls.outcome = 'refusal', false) as is_target_refusal,
        coalesce(calls.is_target, false)
        and coalesce(calls.outcome in ('no_record', 'info_only'), false) as is_target_not_booked,
        coalesce(calls.outcome = 'callback', false) as is_callback_agreed,
        calls.is_answered and coalesce(calls.call_category = 'complaint', false) as is_complaint_call,
        coalesce(quality.normalized_call_score < params.low_score_below, false) as is_low_score,
        calls.is_inbound and calls.call_status in ('missed', 'abandoned') as is_lost_inbound,
        coalesce(calls.await_sec >= params.long_wait_sec, false)
        and (calls.is_answered or calls.call_status in ('missed', 'abandoned')) as is_long_wait,
        coalesce(calls.is_target, false)
        and coalesce(calls.outcome <> 'record', true)
        and coalesce(refusal_reasons.is_clinic_side = 1, false) as is_clinic_side_loss,
        calls.has_caller_key,
        calls.next_answered_gap_hours is not null as has_later_answered_call,
        params.churn_points_refusal,
        params.churn_points_no_record,
        params.churn_points_unanswered,
        params.churn_points_long_wait,
        params.churn_points_clinic_side,
        params.churn_points_complaint,
        params.churn_points_low_score,
        params.churn_points_callback,
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
        is_booked,
        is_target_refusal,
        is_complaint_call,
        is_low_score,
        is_long_wait,
        has_later_answered_call,
        churn_medium_from,
        churn_high_from,
        is_callback_agreed
        or (is_lost_inbound and has_caller_key)
        or is_clinic_side_loss as is_followup_trigger,
        case when is_target_refusal then churn_points_refusal else 0 end
        + case when is_target_not_booked then churn_points_no_record else 0 end
        + case when is_lost_inbound then churn_points_unanswered else 0 end
        + case when is_long_wait then churn_points_long_wait else 0 end
        + case when is_clinic_side_loss then churn_points_clinic_side else 0 end
        + case when is_complaint_call then churn_points_complaint else 0 end
        + case when is_low_score then churn_points_low_score else 0 end
        + case when is_callback_agreed then churn_points_callback else 0 end as churn_points
    from signals
),

final as (
    select
        history_id,
        call_score_id,
        churn_points,
        case
            when is_booked then 'low'
            when churn_points >= churn_high_from then 'high'
            when churn_points >= churn_medium_from then 'medium'
            else 'low'
        end as churn_risk_level,
        case
            when is_complaint_call or is_target_refusal or is_long_wait or is_low_score then 'true'
            else 'false'
        end as complaint_risk_flag,
        is_followup_trigger,
        case
            when is_followup_trigger and not has_later_answered_call then 'true'
            else 'false'
        end as followup_needed_flag
    from points
)

select * from final
