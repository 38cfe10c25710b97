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
{%- set caller_window_days = lm_var('lm_caller_window_days') %}

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

validated as (
    select
        history_id,
        caller_key,
        call_started_at,
        quarantine_reason
    from {{ ref('int_calls_validated') }}
),

gradings as (
    select
        history_id,
        outcome
    from {{ ref('int_call_scores_latest') }}
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

-- When the same caller next booked (a later valid call graded record), for this run's calls: the calls
-- of the callers in scope, in order, as in int_calls_caller_context (a window, no self-join). Counted
-- within the attribution window, at most var lm_caller_window_days (int_scoring_scope recomputes a call
-- when a call of its caller that close changes).
scoped_callers as (
    select distinct caller_key
    from {{ ref('int_scoring_scope') }}
    where caller_key is not null
),

caller_calls as (
    select
        validated.history_id,
        validated.caller_key,
        validated.call_started_at,
        case when gradings.outcome = 'record' then validated.call_started_at end as booked_at
    from scoped_callers
    inner join validated
        on scoped_callers.caller_key = validated.caller_key
    left join gradings
        on validated.history_id = gradings.history_id
    where validated.quarantine_reason is null
),

sequenced as (
    select
        history_id,
        call_started_at,
        min(booked_at) over (
            partition by caller_key order by call_started_at, history_id
            rows between 1 following and unbounded following
        ) as next_booked_at
    from caller_calls
),

later_bookings as (
    select sequenced.history_id
    from sequenced
    cross join params
    where
        sequenced.next_booked_at <= {{ lm_add_interval('sequenced.call_started_at', caller_window_days, 'day') }}
        and {{ lm_seconds_between('sequenced.call_started_at', 'sequenced.next_booked_at') }}
        <= params.attribution_window_days * 86400
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
            and (coalesce(calls.outcome = 'record', false) or later_bookings.history_id is not null)
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
    left join later_bookings
        on calls.history_id = later_bookings.history_id
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
