-- The inputs of the forecast step (lm train / lm score), one row per valid call: what was known when the
-- call ended - the call itself, its latest grading, its rule metrics (all at call time; the as-of-now
-- follow-up flag is left out, its at-call trigger is in) and the same caller's earlier valid calls within
-- var lm_caller_window_days (counts, recency, earlier outcomes and waits; the last 5 such calls at most).
-- Nothing after the call is read, and the caller window is the one int_scoring_scope recomputes around a
-- changed call, so the rows of exactly the calls whose inputs changed are rebuilt. Operator and channel
-- enter as categories: the model learns their history from the training period (a rolling operator
-- statistic would move every later call of an operator whenever one call is regraded). caller_key stays
-- in the warehouse: it is read only by the label and split queries, never exported (lm.forecast selects
-- explicit feature columns).
-- Incremental like fct_calls: the pre-hook deletes the rows of the scope's calls (also those gone or
-- quarantined since), the run appends their recomputed rows. features_hash (md5 of every feature) tells
-- lm score which calls' inputs changed since their score: a row rebuilt with the same inputs keeps its
-- hash; on MySQL/MariaDB its index (which holds the primary key too) lets lm score find those calls
-- without reading the wide rows.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ lm_stats_delete_recomputed(ref('int_scoring_scope'), 'history_id') }}"],
    post_hook=["{{ lm_stats_index_hook([
        {'name': 'pk_int_forecast_features', 'columns': ['history_id'], 'unique': true},
        {'name': 'ix_int_forecast_features_caller', 'columns': ['caller_key', 'call_started_at']},
        {'name': 'ix_int_forecast_features_hash', 'columns': ['features_hash']},
    ]) }}"],
) }}
-- depends_on: {{ ref('int_scoring_scope') }}
{%- set window_days = lm_var('lm_caller_window_days') %}
{%- set max_earlier = 5 %}
{%- set earlier_attributes = [
    'call_started_at', 'call_status', 'direction', 'outcome', 'call_category', 'is_target', 'await_sec',
] %}
{%- set feature_columns = [
    'call_hour', 'call_weekday', 'operator_code', 'channel', 'direction', 'call_status', 'is_answered',
    'is_inbound', 'has_caller_key', 'await_sec', 'talk_sec', 'is_graded', 'is_target', 'outcome',
    'refusal_reason', 'call_category', 'call_type', 'context_type', 'requested_service_code', 'has_doctor',
    'scored_by', 'previous_call_gap_hours', 'earlier_calls_n', 'earlier_answered_n', 'earlier_lost_inbound_n',
    'earlier_outbound_n', 'earlier_booked_n', 'earlier_target_not_booked_n', 'earlier_callback_n',
    'earlier_complaint_n', 'earlier_long_wait_n', 'response_speed_score', 'talk_time_efficiency',
    'queue_impact_index', 'conversion_score', 'lost_opportunity_score', 'checklist_coverage_ratio',
    'normalized_call_score', 'script_risk_index', 'churn_points', 'churn_risk_level', 'complaint_risk_flag',
    'is_followup_trigger',
] %}
{%- set hash_parts = [] %}
{%- for column in feature_columns %}
    {%- do hash_parts.append("coalesce(cast(" ~ column ~ " as " ~ lm_type_string() ~ "), '~')") %}
    {%- if not loop.last %}{% do hash_parts.append("'|'") %}{% endif %}
{%- endfor %}

with

enriched as (
    select
        history_id,
        call_started_at,
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
        has_caller_key,
        is_graded,
        is_target,
        outcome,
        refusal_reason,
        call_category,
        call_type,
        context_type,
        requested_service_id,
        doctor_id,
        scored_by,
        previous_call_gap_hours
    from {{ ref('int_calls_enriched') }}
),

call_keys as (
    select
        history_id,
        caller_key
    from {{ ref('int_calls_validated') }}
),

calls as (
    select
        enriched.history_id,
        call_keys.caller_key,
        enriched.call_started_at,
        enriched.call_hour,
        enriched.call_weekday,
        enriched.operator_id,
        enriched.channel,
        enriched.direction,
        enriched.call_status,
        enriched.is_answered,
        enriched.is_inbound,
        enriched.await_sec,
        enriched.talk_sec,
        enriched.has_caller_key,
        enriched.is_graded,
        enriched.is_target,
        enriched.outcome,
        enriched.refusal_reason,
        enriched.call_category,
        enriched.call_type,
        enriched.context_type,
        enriched.requested_service_id,
        enriched.doctor_id,
        enriched.scored_by,
        enriched.previous_call_gap_hours
    from enriched
    inner join call_keys
        on enriched.history_id = call_keys.history_id
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
        lost_opportunity_score
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
        churn_points,
        churn_risk_level,
        complaint_risk_flag,
        is_followup_trigger
    from {{ ref('int_metrics_risk') }}
),

scope as (
    select
        history_id,
        caller_key
    from {{ ref('int_scoring_scope') }}
    where not is_gone_from_source
),

scoped_callers as (
    select distinct caller_key
    from scope
    where caller_key is not null
),

valid_calls as (
    select
        history_id,
        caller_key,
        call_started_at,
        call_status,
        direction
    from {{ ref('int_calls_validated') }}
    where quarantine_reason is null
),

source_calls as (
    select
        history_id,
        await_sec
    from {{ ref('stg_operatorbot__call_history') }}
),

gradings as (
    select
        history_id,
        is_target,
        outcome,
        call_category
    from {{ ref('int_call_scores_latest') }}
),

-- every valid call of the scoped callers (one scan of the calls, looked up in the small caller set: a join
-- of the calls with themselves on the computed caller key has no index on MariaDB and is quadratic)
caller_calls as (
    select
        valid_calls.history_id,
        valid_calls.caller_key,
        valid_calls.call_started_at,
        valid_calls.call_status,
        valid_calls.direction,
        case when valid_calls.call_status = 'answered' then gradings.outcome end as outcome,
        case when valid_calls.call_status = 'answered' then gradings.call_category end as call_category,
        case when valid_calls.call_status = 'answered' then gradings.is_target end as is_target,
        case when source_calls.await_sec >= 0 then source_calls.await_sec end as await_sec
    from scoped_callers
    inner join valid_calls
        on scoped_callers.caller_key = valid_calls.caller_key
    left join gradings
        on valid_calls.history_id = gradings.history_id
    left join source_calls
        on valid_calls.history_id = source_calls.history_id
),

-- the caller's previous calls, up to {{ max_earlier }}, in order (ties on the start time by history_id)
sequenced as (
    select
        history_id,
        {% for k in range(1, max_earlier + 1) -%}
            {% for column in earlier_attributes -%}
                lag({{ column }}, {{ k }}) over (partition by caller_key order by call_started_at, history_id)
                    as earlier_{{ k }}_{{ column }},
            {% endfor -%}
        {% endfor -%}
        call_started_at
    from caller_calls
),

-- of those, the ones within the caller window before the call
earlier_calls as (
    select
        {% for k in range(1, max_earlier + 1) -%}
            coalesce(
                earlier_{{ k }}_call_started_at >= {{ lm_add_interval('call_started_at', -window_days, 'day') }},
                false
            ) as is_earlier_{{ k }},
            {% for column in earlier_attributes[1:] -%}
                earlier_{{ k }}_{{ column }},
            {% endfor -%}
        {% endfor -%}
        history_id
    from sequenced
),

caller_history as (
    select
        history_id,
        {{ lm_count_earlier("true", max_earlier) }} as earlier_calls_n,
        {{ lm_count_earlier("earlier_K_call_status = 'answered'", max_earlier) }} as earlier_answered_n,
        {{ lm_count_earlier(
            "earlier_K_direction = 'in' and earlier_K_call_status in ('missed', 'abandoned')", max_earlier
        ) }} as earlier_lost_inbound_n,
        {{ lm_count_earlier("earlier_K_direction = 'out'", max_earlier) }} as earlier_outbound_n,
        {{ lm_count_earlier("earlier_K_outcome = 'record'", max_earlier) }} as earlier_booked_n,
        {{ lm_count_earlier("earlier_K_is_target and earlier_K_outcome <> 'record'", max_earlier) }}
            as earlier_target_not_booked_n,
        {{ lm_count_earlier("earlier_K_outcome = 'callback'", max_earlier) }} as earlier_callback_n,
        {{ lm_count_earlier("earlier_K_call_category = 'complaint'", max_earlier) }} as earlier_complaint_n,
        {{ lm_count_earlier("earlier_K_await_sec >= 60", max_earlier) }} as earlier_long_wait_n
    from earlier_calls
),

assembled as (
    select
        calls.history_id,
        calls.caller_key,
        calls.call_started_at,
        calls.call_hour,
        calls.call_weekday,
        cast(calls.operator_id as {{ lm_type_string() }}(32)) as operator_code,
        calls.channel,
        calls.direction,
        calls.call_status,
        {{ lm_bool_to_int('calls.is_answered') }} as is_answered,
        {{ lm_bool_to_int('calls.is_inbound') }} as is_inbound,
        {{ lm_bool_to_int('calls.has_caller_key') }} as has_caller_key,
        calls.await_sec,
        calls.talk_sec,
        {{ lm_bool_to_int('calls.is_graded') }} as is_graded,
        {{ lm_bool_to_int('calls.is_target') }} as is_target,
        calls.outcome,
        calls.refusal_reason,
        calls.call_category,
        calls.call_type,
        calls.context_type,
        cast(calls.requested_service_id as {{ lm_type_string() }}(32)) as requested_service_code,
        case when calls.doctor_id is not null then 1 else 0 end as has_doctor,
        calls.scored_by,
        calls.previous_call_gap_hours,
        coalesce(caller_history.earlier_calls_n, 0) as earlier_calls_n,
        coalesce(caller_history.earlier_answered_n, 0) as earlier_answered_n,
        coalesce(caller_history.earlier_lost_inbound_n, 0) as earlier_lost_inbound_n,
        coalesce(caller_history.earlier_outbound_n, 0) as earlier_outbound_n,
        coalesce(caller_history.earlier_booked_n, 0) as earlier_booked_n,
        coalesce(caller_history.earlier_target_not_booked_n, 0) as earlier_target_not_booked_n,
        coalesce(caller_history.earlier_callback_n, 0) as earlier_callback_n,
        coalesce(caller_history.earlier_complaint_n, 0) as earlier_complaint_n,
        coalesce(caller_history.earlier_long_wait_n, 0) as earlier_long_wait_n,
        operational.response_speed_score,
        operational.talk_time_efficiency,
        operational.queue_impact_index,
        conversion.conversion_score,
        conversion.lost_opportunity_score,
        quality.checklist_coverage_ratio,
        quality.normalized_call_score,
        quality.script_risk_index,
        risk.churn_points,
        risk.churn_risk_level,
        risk.complaint_risk_flag,
        {{ lm_bool_to_int('risk.is_followup_trigger') }} as is_followup_trigger
    from calls
    left join caller_history
        on calls.history_id = caller_history.history_id
    left join operational
        on calls.history_id = operational.history_id
    left join conversion
        on calls.history_id = conversion.history_id
    left join quality
        on calls.history_id = quality.history_id
    left join risk
        on calls.history_id = risk.history_id
),

final as (
    select
        history_id,
        caller_key,
        call_started_at,
        {% for column in feature_columns -%}
            {{ column }},
        {% endfor -%}
        {{ lm_md5(lm_concat(hash_parts)) }} as features_hash
    from assembled
)

select * from final
