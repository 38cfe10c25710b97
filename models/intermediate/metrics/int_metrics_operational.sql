-- Operational metrics of each scoped call: response_speed_score, talk_time_efficiency,
-- queue_impact_index. Rules in seed lm_metric_dictionary; thresholds from int_calc_params.
with

calls as (
    select
        history_id,
        call_score_id,
        call_hour,
        call_status,
        call_category,
        outcome,
        is_answered,
        is_inbound,
        await_sec,
        duration_sec,
        talk_sec
    from {{ ref('int_calls_enriched') }}
),

params as (
    select
        sla_answer_sec,
        sla_zero_score_sec,
        target_talk_sec,
        talk_overrun_floor,
        talk_weight_record,
        talk_weight_info_only,
        talk_weight_callback,
        talk_weight_no_record,
        talk_weight_refusal,
        talk_weight_other,
        queue_baseline_sec,
        queue_peak_weight,
        queue_offhours_weight,
        peak_hour_from,
        peak_hour_to,
        work_hour_from,
        work_hour_to
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
        calls.call_hour,
        calls.is_answered,
        calls.is_inbound,
        calls.await_sec,
        calls.talk_sec,
        params.sla_answer_sec,
        params.sla_zero_score_sec,
        params.talk_overrun_floor,
        coalesce(categories.target_talk_sec, params.target_talk_sec) as target_talk_sec,
        case calls.outcome
            when 'record' then params.talk_weight_record
            when 'info_only' then params.talk_weight_info_only
            when 'callback' then params.talk_weight_callback
            when 'no_record' then params.talk_weight_no_record
            when 'refusal' then params.talk_weight_refusal
            else params.talk_weight_other
        end as talk_outcome_weight,
        case
            when coalesce(calls.duration_sec, 0) >= coalesce(calls.await_sec, 0) + coalesce(calls.talk_sec, 0)
                then coalesce(calls.duration_sec, 0)
            else coalesce(calls.await_sec, 0) + coalesce(calls.talk_sec, 0)
        end as line_load_sec,
        params.queue_baseline_sec,
        case
            when calls.call_hour >= params.peak_hour_from and calls.call_hour < params.peak_hour_to
                then params.queue_peak_weight
            when calls.call_hour < params.work_hour_from or calls.call_hour >= params.work_hour_to
                then params.queue_offhours_weight
            else 1
        end as hour_weight
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
            when not is_answered or coalesce(talk_sec, 0) <= 0 then 0
            when talk_sec <= target_talk_sec then talk_outcome_weight
            when target_talk_sec / talk_sec < talk_overrun_floor then talk_outcome_weight * talk_overrun_floor
            else talk_outcome_weight * target_talk_sec / talk_sec
        end as talk_time_efficiency,
        {{ lm_safe_divide("line_load_sec * hour_weight", "queue_baseline_sec") }} as queue_impact_raw
    from inputs
),

final as (
    select
        history_id,
        call_score_id,
        round(response_speed_score, 4) as response_speed_score,
        round(talk_time_efficiency, 4) as talk_time_efficiency,
        round({{ lm_clamp('queue_impact_raw', 0, lm_var('lm_value_max')) }}, 4) as queue_impact_index,
        coalesce(queue_impact_raw > {{ lm_var('lm_value_max') }}, false) as is_queue_impact_clamped
    from scored
)

select * from final
