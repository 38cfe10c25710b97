-- Aux metrics of each scoped call: lm_version and calc_profile (vars, visible on every call) and
-- feature_pack, a compact JSON of the cleaned inputs known at call time (nothing the caller did later) and
-- every fallback applied, with the grader calibration_version of `lm calibrate` (NULL before any fit) and
-- the grader_scale_source of the score (int_grader_scales; NULL when no score was normalized). No personal
-- data:
-- neither the phone number nor the caller key nor any transcript text goes in.
with

calls as (
    select
        history_id,
        call_score_id,
        call_hour,
        call_weekday,
        operator_id,
        channel,
        direction,
        call_status,
        await_sec,
        duration_sec,
        talk_sec,
        has_transcript,
        has_negative_duration,
        has_absurd_duration,
        is_talk_capped_to_duration,
        is_graded,
        is_target,
        outcome,
        refusal_reason,
        call_category,
        call_type,
        context_type,
        requested_service_id,
        doctor_id,
        checklist_items_done,
        checklist_template,
        call_score,
        scored_by,
        grading_count,
        is_future_grading,
        is_unknown_outcome,
        is_unknown_call_category,
        is_unknown_refusal_reason,
        has_caller_key,
        previous_call_gap_hours
    from {{ ref('int_calls_enriched') }}
),

operational as (
    select
        history_id,
        is_dirty_talk_replaced
    from {{ ref('int_metrics_operational') }}
),

conversion as (
    select
        history_id,
        is_lost_opportunity_clamped,
        is_expected_loss
    from {{ ref('int_metrics_conversion') }}
),

risk as (
    select
        history_id,
        is_followup_trigger
    from {{ ref('int_metrics_risk') }}
),

quality as (
    select
        history_id,
        is_checklist_capped,
        is_default_scale,
        is_score_out_of_scale
    from {{ ref('int_metrics_quality') }}
),

grader_scales as (
    select
        grader_code,
        grader_scale_source
    from {{ ref('int_grader_scales') }}
),

calibration as (
    select calibration_version
    from {{ ref('stg_lm_state__grader_calibration') }}
),

current_calibration as (
    select max(calibration_version) as calibration_version
    from calibration
),

final as (
    select
        calls.history_id,
        calls.call_score_id,
        {{ lm_sql_string(lm_var('lm_version')) }} as lm_version,
        {{ lm_sql_string(lm_var('lm_calc_profile')) }} as calc_profile,
        {{ lm_json_object([
            ['call_status', 'calls.call_status'],
            ['direction', 'calls.direction'],
            ['channel', 'calls.channel'],
            ['operator_id', 'calls.operator_id'],
            ['call_hour', 'calls.call_hour'],
            ['call_weekday', 'calls.call_weekday'],
            ['await_sec', 'calls.await_sec'],
            ['duration_sec', 'calls.duration_sec'],
            ['talk_sec', 'calls.talk_sec'],
            ['has_transcript', lm_bool_to_int('calls.has_transcript')],
            ['is_graded', lm_bool_to_int('calls.is_graded')],
            ['grading_count', 'calls.grading_count'],
            ['is_target', lm_bool_to_int('calls.is_target')],
            ['outcome', 'calls.outcome'],
            ['refusal_reason', 'calls.refusal_reason'],
            ['call_category', 'calls.call_category'],
            ['call_type', 'calls.call_type'],
            ['context_type', 'calls.context_type'],
            ['requested_service_id', 'calls.requested_service_id'],
            ['doctor_id', 'calls.doctor_id'],
            ['checklist_items_done', 'calls.checklist_items_done'],
            ['checklist_template', 'calls.checklist_template'],
            ['call_score', 'calls.call_score'],
            ['scored_by', 'calls.scored_by'],
            ['has_known_caller', lm_bool_to_int('calls.has_caller_key')],
            ['previous_call_gap_hours', 'round(calls.previous_call_gap_hours, 2)'],
            ['fallback_negative_duration_ignored', lm_bool_to_int('calls.has_negative_duration')],
            ['fallback_absurd_duration_capped', lm_bool_to_int('calls.has_absurd_duration')],
            ['fallback_talk_capped_to_duration', lm_bool_to_int('calls.is_talk_capped_to_duration')],
            ['fallback_checklist_capped', lm_bool_to_int('quality.is_checklist_capped')],
            ['fallback_default_grader_scale', lm_bool_to_int('quality.is_default_scale')],
            ['fallback_out_of_scale_score_clamped', lm_bool_to_int('quality.is_score_out_of_scale')],
            ['fallback_dirty_talk_replaced', lm_bool_to_int('operational.is_dirty_talk_replaced')],
            ['fallback_lost_opportunity_clamped', lm_bool_to_int('conversion.is_lost_opportunity_clamped')],
            ['flag_future_grading', lm_bool_to_int('calls.is_future_grading')],
            ['flag_unknown_outcome', lm_bool_to_int('calls.is_unknown_outcome')],
            ['flag_expected_lost_opportunity', lm_bool_to_int('conversion.is_expected_loss')],
            ['followup_trigger_at_call', lm_bool_to_int('risk.is_followup_trigger')],
            ['flag_unknown_call_category', lm_bool_to_int('calls.is_unknown_call_category')],
            ['flag_unknown_refusal_reason', lm_bool_to_int('calls.is_unknown_refusal_reason')],
            ['calibration_version', 'current_calibration.calibration_version'],
            ['grader_scale_source', 'case when calls.is_graded and calls.call_score is not null then '
                ~ 'coalesce(grader_scale.grader_scale_source, default_scale.grader_scale_source) end'],
        ]) }} as feature_pack
    from calls
    inner join operational
        on calls.history_id = operational.history_id
    inner join conversion
        on calls.history_id = conversion.history_id
    inner join quality
        on calls.history_id = quality.history_id
    inner join risk
        on calls.history_id = risk.history_id
    left join grader_scales as grader_scale
        on calls.scored_by = grader_scale.grader_code
    left join grader_scales as default_scale
        on default_scale.grader_code = 'default'
    cross join current_calibration
)

select * from final
