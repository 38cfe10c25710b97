-- Operational metrics of each scoped call: response_speed_score, talk_time_efficiency,
-- queue_impact_index. Rules in seed lm_metric_dictionary; thresholds from int_calc_params.
-- queue_impact_index is in operator-minutes of offered handle work (talk + after-call work), so that the
-- sum over an hour divided by 60 is the hour's offered load in erlangs. A talk that is unknown or dirty
-- (negative, above max_plausible_talk_sec, or from a call whose durations were absurd) is replaced by the
-- call category's target talk time and flagged (is_dirty_talk_replaced); it is never capped.
with

calls as (
    select
        history_id,
        call_score_id,
        call_category,
        outcome,
        is_answered,
        is_inbound,
        call_status,
        await_sec,
        duration_sec,
        talk_sec,
        has_absurd_duration
    from {{ ref('int_calls_enriched') }}
),

params as (
    select
        sla_answer_sec,
        sla_zero_score_sec,
        target_talk_sec,
        after_call_work_sec,
        max_plausible_talk_sec,
        talk_norm_factor_record,
        talk_norm_factor_callback,
        talk_norm_factor_no_record,
        talk_norm_factor_refusal,
        talk_norm_factor_info_only,
        talk_norm_factor_other
    from {{ ref('int_calc_params') }}
),

categories as (
    select
        call_category,
        target_talk_sec
    from {{ ref('lm_call_categories') }}
),

inputs as (
    select
        calls.history_id,
        calls.call_score_id,
        calls.is_answered,
        calls.is_inbound,
        calls.call_status,
        calls.await_sec,
        calls.duration_sec,
        calls.talk_sec,
        params.sla_answer_sec,
        params.sla_zero_score_sec,
        params.after_call_work_sec,
        params.max_plausible_talk_sec,
        coalesce(categories.target_talk_sec, params.target_talk_sec) as category_talk_sec,
        coalesce(categories.target_talk_sec, params.target_talk_sec) * case calls.outcome
            when 'record' then params.talk_norm_factor_record
            when 'callback' then params.talk_norm_factor_callback
            when 'no_record' then params.talk_norm_factor_no_record
            when 'refusal' then params.talk_norm_factor_refusal
            when 'info_only' then params.talk_norm_factor_info_only
            else params.talk_norm_factor_other
        end as talk_norm_sec,
        calls.is_answered
        and (
            calls.talk_sec is null
            or calls.talk_sec <= 0
            or calls.talk_sec > params.max_plausible_talk_sec
            or calls.has_absurd_duration
        ) as is_talk_dirty
    from calls
    cross join params
    left join categories
        on calls.call_category = categories.call_category
),

scored as (
    select
        history_id,
        call_score_id,
        case
            when not is_inbound then null
            when not is_answered then 0
            when await_sec is null then null
            when await_sec <= sla_answer_sec then 1
            when await_sec >= sla_zero_score_sec then 0
            else 1 - {{ lm_safe_divide("await_sec - sla_answer_sec", "sla_zero_score_sec - sla_answer_sec") }}
        end as response_speed_score,
        case
            when not is_answered or is_talk_dirty then null
            when talk_sec <= talk_norm_sec then talk_sec / talk_norm_sec
            else talk_norm_sec / talk_sec
        end as talk_time_efficiency,
        case
            when is_answered and is_talk_dirty then category_talk_sec + after_call_work_sec
            when is_answered then talk_sec + after_call_work_sec
            when is_inbound and call_status in ('missed', 'abandoned') then category_talk_sec + after_call_work_sec
            when not is_inbound and call_status in ('missed', 'abandoned')
                then case
                    when duration_sec is null or duration_sec > max_plausible_talk_sec then 0
                    else duration_sec
                end
            else 0
        end as offered_handle_sec,
        is_talk_dirty
    from inputs
),

final as (
    select
        history_id,
        call_score_id,
        round(response_speed_score, 4) as response_speed_score,
        round(talk_time_efficiency, 4) as talk_time_efficiency,
        round(offered_handle_sec / 60.0, 4) as queue_impact_index,
        coalesce(is_talk_dirty, false) as is_dirty_talk_replaced
    from scored
)

select * from final
