-- The call fact of the statistics layer: one row per valid call (quarantined calls are left out, as in
-- lm_value) with its calendar (date, hour, ISO weekday, week), who and where (operator, channel,
-- direction, status, requested service, category), its durations and handle time, the KPI flags the
-- contact-centre views count (answered within the service-level threshold, short abandon, lost, repeat
-- call, target, booked, booked by attribution) and the rule metrics a dashboard slices by. Thresholds from
-- the calc profile (int_calc_params). Reports read this table, never lm_value joined to staging.
-- Incremental on the calls this run rescored: the pre-hook deletes the rows of int_scoring_scope's calls
-- (also those gone from the source or quarantined since), the run appends their recomputed rows; a full
-- run (first run, --full-refresh) builds every call. On MySQL/MariaDB the post-hook adds the BI indexes,
-- date first.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ lm_stats_delete_recomputed(ref('int_scoring_scope'), 'history_id') }}"],
    post_hook=["{{ lm_stats_index_hook([
        {'name': 'pk_fct_calls', 'columns': ['history_id'], 'unique': true},
        {'name': 'ix_fct_calls_date_channel', 'columns': ['call_date', 'channel', 'call_hour']},
        {'name': 'ix_fct_calls_date_operator', 'columns': ['call_date', 'operator_id']},
    ]) }}"],
) }}
-- depends_on: {{ ref('int_stats_refresh_days') }}
-- depends_on: {{ ref('lm_value') }}
-- depends_on: {{ ref('stg_operatorbot__call_history') }}
{%- if execute and not is_incremental() and load_relation(ref('int_scoring_scope')) is not none %}
    {%- set counts = run_query(
        'select (select count(*) from ' ~ ref('int_scoring_scope') ~ ' where not is_gone_from_source), '
        ~ '(select count(*) from ' ~ ref('stg_operatorbot__call_history') ~ ')'
    ).rows[0] %}
    {%- if counts[0] != counts[1] %}
        {%- do exceptions.warn(
            "fct_calls is built from scratch but this run rescored only " ~ counts[0] ~ " of " ~ counts[1]
            ~ " calls: the statistics hold those calls only until one full rebuild"
            ~ " (lm build --full-refresh, or --vars '{lm_full_rebuild: true}')"
        ) %}
    {%- endif %}
{%- endif %}

with

calls as (
    select
        history_id,
        call_score_id,
        call_started_at,
        call_date,
        call_hour,
        call_weekday,
        operator_id,
        channel,
        direction,
        call_status,
        is_answered,
        is_inbound,
        await_sec,
        talk_sec,
        is_graded,
        is_target,
        outcome,
        call_category,
        requested_service_id,
        previous_call_gap_hours
    from {{ ref('int_calls_enriched') }}
),

operational as (
    select
        history_id,
        response_speed_score,
        talk_time_efficiency,
        queue_impact_index
    from {{ ref('int_metrics_operational') }}
),

conversion as (
    select
        history_id,
        conversion_score,
        lost_opportunity_score,
        cross_sell_potential
    from {{ ref('int_metrics_conversion') }}
),

quality as (
    select
        history_id,
        checklist_coverage_ratio,
        normalized_call_score,
        script_risk_index
    from {{ ref('int_metrics_quality') }}
),

risk as (
    select
        history_id,
        churn_risk_level,
        complaint_risk_flag,
        followup_needed_flag
    from {{ ref('int_metrics_risk') }}
),

params as (
    select
        sla_answer_sec,
        short_abandon_sec,
        after_call_work_sec,
        repeat_call_window_days,
        attribution_window_days
    from {{ ref('int_calc_params') }}
),

caller_context as (
    select
        history_id,
        next_booked_gap_hours
    from {{ ref('int_calls_caller_context') }}
),

facts as (
    select
        calls.history_id,
        calls.call_score_id,
        calls.call_started_at,
        calls.call_date,
        calls.call_hour,
        calls.call_weekday,
        {{ lm_date_of(lm_add_interval('calls.call_date', '1 - calls.call_weekday', 'day')) }} as call_week_start,
        calls.operator_id,
        calls.channel,
        calls.direction,
        calls.call_status,
        calls.requested_service_id,
        calls.call_category,
        calls.is_inbound,
        calls.is_answered,
        calls.await_sec,
        calls.talk_sec,
        case
            when calls.is_answered then round(operational.queue_impact_index * 60, 0)
        end as handle_sec,
        coalesce(
            calls.is_inbound and calls.is_answered and calls.await_sec <= params.sla_answer_sec,
            false
        ) as is_answered_in_sl,
        coalesce(
            calls.is_inbound
            and calls.call_status in ('missed', 'abandoned')
            and calls.await_sec <= params.short_abandon_sec,
            false
        ) as is_short_abandon,
        coalesce(
            calls.is_inbound
            and calls.call_status in ('missed', 'abandoned')
            and not coalesce(calls.await_sec <= params.short_abandon_sec, false),
            false
        ) as is_lost,
        coalesce(calls.previous_call_gap_hours <= params.repeat_call_window_days * 24, false) as is_repeat_call,
        coalesce(calls.is_target, false) as is_target,
        coalesce(calls.outcome = 'record', false) as is_booked,
        (
            coalesce(calls.is_target, false)
            and (
                coalesce(calls.outcome = 'record', false)
                or coalesce(caller_context.next_booked_gap_hours <= params.attribution_window_days * 24, false)
            )
        ) as is_attributed_booked,
        operational.response_speed_score,
        operational.talk_time_efficiency,
        operational.queue_impact_index,
        conversion.conversion_score,
        conversion.lost_opportunity_score,
        conversion.cross_sell_potential,
        quality.checklist_coverage_ratio,
        quality.normalized_call_score,
        quality.script_risk_index,
        risk.churn_risk_level,
        risk.complaint_risk_flag,
        risk.followup_needed_flag
    from calls
    cross join params
    inner join operational
        on calls.history_id = operational.history_id
    inner join conversion
        on calls.history_id = conversion.history_id
    inner join quality
        on calls.history_id = quality.history_id
    inner join risk
        on calls.history_id = risk.history_id
    left join caller_context
        on calls.history_id = caller_context.history_id
),

final as (
    select
        history_id,
        call_score_id,
        call_started_at,
        call_date,
        call_hour,
        call_weekday,
        call_week_start,
        operator_id,
        channel,
        direction,
        call_status,
        requested_service_id,
        call_category,
        is_inbound,
        is_answered,
        await_sec,
        talk_sec,
        handle_sec,
        is_answered_in_sl,
        is_short_abandon,
        is_lost,
        is_repeat_call,
        is_target,
        is_booked,
        is_attributed_booked,
        response_speed_score,
        talk_time_efficiency,
        queue_impact_index,
        conversion_score,
        lost_opportunity_score,
        cross_sell_potential,
        checklist_coverage_ratio,
        normalized_call_score,
        script_risk_index,
        churn_risk_level,
        complaint_risk_flag,
        followup_needed_flag
    from facts
)

select * from final
