-- One row per valid call in this run's scope: the cleaned inputs every metric reads. Fallbacks for
-- values that can be interpreted (each flagged, and visible in feature_pack):
--   negative await/duration/talk -> treated as unknown (NULL);
--   await/duration/talk above var lm_max_plausible_sec -> capped at it;
--   talk longer than the call -> capped at the call's duration.
-- Quarantined calls (int_calls_validated) are left out here and listed in int_calls_quarantined.
{%- set max_plausible_sec = lm_var('lm_max_plausible_sec') %}

with

scope as (
    select history_id
    from {{ ref('int_scoring_scope') }}
),

validated as (
    select
        history_id,
        quarantine_reason
    from {{ ref('int_calls_validated') }}
),

calls as (
    select
        history_id,
        call_started_at,
        call_date,
        caller_key,
        operator_id,
        channel,
        direction,
        call_status,
        await_sec,
        duration_sec,
        talk_duration_sec,
        has_transcript,
        has_negative_duration,
        has_absurd_duration,
        has_talk_over_duration
    from {{ ref('stg_operatorbot__call_history') }}
),

gradings as (
    select
        call_score_id,
        history_id,
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
        is_unknown_refusal_reason
    from {{ ref('int_call_scores_latest') }}
),

caller_context as (
    select
        history_id,
        previous_call_gap_hours,
        next_answered_gap_hours
    from {{ ref('int_calls_caller_context') }}
),

scoped_calls as (
    select
        calls.history_id,
        calls.call_started_at,
        calls.call_date,
        calls.caller_key,
        calls.operator_id,
        calls.channel,
        calls.direction,
        calls.call_status,
        calls.has_transcript,
        calls.has_negative_duration,
        calls.has_absurd_duration,
        calls.has_talk_over_duration,
        case
            when calls.await_sec < 0 then null
            when calls.await_sec > {{ max_plausible_sec }} then {{ max_plausible_sec }}
            else calls.await_sec
        end as await_sec,
        case
            when calls.duration_sec < 0 then null
            when calls.duration_sec > {{ max_plausible_sec }} then {{ max_plausible_sec }}
            else calls.duration_sec
        end as duration_sec,
        case
            when calls.talk_duration_sec < 0 then null
            when calls.talk_duration_sec > {{ max_plausible_sec }} then {{ max_plausible_sec }}
            else calls.talk_duration_sec
        end as talk_sec_uncapped
    from scope
    inner join validated
        on scope.history_id = validated.history_id
    inner join calls
        on scope.history_id = calls.history_id
    where validated.quarantine_reason is null
),

cleaned as (
    select
        history_id,
        call_started_at,
        call_date,
        caller_key,
        operator_id,
        channel,
        direction,
        call_status,
        has_transcript,
        has_negative_duration,
        has_absurd_duration,
        await_sec,
        duration_sec,
        case
            when talk_sec_uncapped > duration_sec then duration_sec
            else talk_sec_uncapped
        end as talk_sec,
        coalesce(talk_sec_uncapped > duration_sec, false) as is_talk_capped_to_duration
    from scoped_calls
),

final as (
    select
        cleaned.history_id,
        gradings.call_score_id,
        cleaned.call_started_at,
        cleaned.call_date,
        {{ lm_hour_of('cleaned.call_started_at') }} as call_hour,
        {{ lm_iso_weekday('cleaned.call_started_at') }} as call_weekday,
        cleaned.operator_id,
        cleaned.channel,
        cleaned.direction,
        cleaned.call_status,
        cleaned.call_status = 'answered' as is_answered,
        cleaned.direction = 'in' as is_inbound,
        cleaned.await_sec,
        cleaned.duration_sec,
        cleaned.talk_sec,
        cleaned.has_transcript,
        cleaned.has_negative_duration,
        cleaned.has_absurd_duration,
        cleaned.is_talk_capped_to_duration,
        gradings.call_score_id is not null as is_graded,
        gradings.is_target,
        gradings.outcome,
        gradings.refusal_reason,
        gradings.call_category,
        gradings.call_type,
        gradings.context_type,
        gradings.requested_service_id,
        gradings.doctor_id,
        gradings.checklist_items_done,
        gradings.checklist_template,
        gradings.call_score,
        gradings.scored_by,
        coalesce(gradings.grading_count, 0) as grading_count,
        coalesce(gradings.is_future_grading, false) as is_future_grading,
        coalesce(gradings.is_unknown_outcome, false) as is_unknown_outcome,
        coalesce(gradings.is_unknown_call_category, false) as is_unknown_call_category,
        coalesce(gradings.is_unknown_refusal_reason, false) as is_unknown_refusal_reason,
        cleaned.caller_key is not null as has_caller_key,
        caller_context.previous_call_gap_hours,
        caller_context.next_answered_gap_hours
    from cleaned
    left join gradings
        on cleaned.history_id = gradings.history_id
    left join caller_context
        on cleaned.history_id = caller_context.history_id
)

select * from final
