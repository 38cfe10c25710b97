-- The calls recomputed by this run, one row each. A full run (first run, --full-refresh, var
-- lm_full_rebuild, nothing scored yet, or a changed setting: lm_version, lm_calc_profile, a semantic var
-- or a seed - see lm_scope_decision) takes every call. An incremental run takes the calls whose
-- call_history row or any grading changed since the last run's source high water (minus var
-- lm_lookback_hours, for late gradings and clock skew), the calls whose grading that counts is no longer
-- the one they were scored from (a grading deleted at the source changes no timestamp), the calls that
-- start near or after the database clock (their quarantine depends on it), and every call of the same
-- caller within var lm_caller_window_days of those (their caller-context features may change) - around
-- where each changed call is now and where it was when last scored (lm_scored_calls: an edited
-- caller_number or call_started_at moves a call away from its old neighbours).
-- It also takes the calls whose forecast scores lm score wrote since the last lm_value write (their
-- forecast rows change; their inputs did not, so no neighbours).
-- Every run also takes the calls that were scored but are gone from call_history
-- (is_gone_from_source): the registry then deletes their lm_value rows and lm_scored_calls forgets them.
{%- set decision = lm_scope_decision(ref('stg_lm_state__run_log'), ref('stg_lm_state__scored_calls')) %}
{%- set changed_since = decision['changed_since'] %}
{%- set is_full = changed_since is none %}

with

calls as (
    select
        history_id,
        caller_key,
        call_started_at,
        updated_at
    from {{ ref('stg_operatorbot__call_history') }}
),

gradings as (
    select
        history_id,
        call_score_id,
        grading_count,
        gradings_changed_at as graded_at
    from {{ ref('int_call_scores_latest') }}
),

forecast_scores as (
    select
        history_id,
        scored_at
    from {{ ref('stg_lm_state__forecast_scores') }}
),

last_registry_write as (
    select max(logged_at) as logged_at
    from {{ ref('stg_lm_state__run_log') }}
),

scored_calls as (
    select
        history_id,
        caller_key,
        call_started_at,
        call_score_id,
        grading_count
    from {{ ref('stg_lm_state__scored_calls') }}
),

changed_calls as (
    select
        history_id,
        caller_key,
        call_started_at
    from calls
    where
        {{ 'true' if is_full else 'updated_at >= ' ~ changed_since }}
        or call_started_at >= {{ lm_add_interval(
            lm_now(), -(lm_var('lm_future_tolerance_hours') + lm_var('lm_lookback_hours')), 'hour'
        ) }}
),

regraded_calls as (
    select
        calls.history_id,
        calls.caller_key,
        calls.call_started_at
    from gradings
    inner join calls
        on gradings.history_id = calls.history_id
    where {{ 'false' if is_full else 'gradings.graded_at >= ' ~ changed_since }}
),

-- The grading that counts is not the one the call was scored from, or the call has fewer or more
-- gradings than then: a grading was deleted (or inserted with an old timestamp) at the source.
grading_drift as (
    select
        calls.history_id,
        calls.caller_key,
        calls.call_started_at
    from scored_calls
    inner join calls
        on scored_calls.history_id = calls.history_id
    left join gradings
        on scored_calls.history_id = gradings.history_id
    where
        {{ 'false' if is_full else 'true' }}
        and (
            {{ lm_is_distinct_from('scored_calls.call_score_id', 'gradings.call_score_id') }}
            or {{ lm_is_distinct_from('scored_calls.grading_count', 'gradings.grading_count') }}
        )
),

moved_from as (
    select
        scored_calls.history_id,
        scored_calls.caller_key,
        scored_calls.call_started_at
    from changed_calls
    inner join scored_calls
        on changed_calls.history_id = scored_calls.history_id
    where {{ 'false' if is_full else 'true' }}
),

changed as (
    select
        history_id,
        caller_key,
        call_started_at
    from moved_from
    union distinct
    select
        history_id,
        caller_key,
        call_started_at
    from changed_calls
    union distinct
    select
        history_id,
        caller_key,
        call_started_at
    from regraded_calls
    union distinct
    select
        history_id,
        caller_key,
        call_started_at
    from grading_drift
),

same_caller_neighbours as (
    select calls.history_id
    from changed
    inner join calls
        on
            changed.caller_key = calls.caller_key
            and calls.call_started_at >= {{ lm_add_interval(
                'changed.call_started_at', -lm_var('lm_caller_window_days'), 'day'
            ) }}
            and calls.call_started_at <= {{ lm_add_interval(
                'changed.call_started_at', lm_var('lm_caller_window_days'), 'day'
            ) }}
    where {{ 'false' if is_full else 'true' }}
),

forecast_rescored as (
    select forecast_scores.history_id
    from forecast_scores
    cross join last_registry_write
    where {{ 'false' if is_full else 'forecast_scores.scored_at >= last_registry_write.logged_at' }}
),

scoped as (
    select history_id
    from changed
    union distinct
    select history_id
    from same_caller_neighbours
    union distinct
    select history_id
    from forecast_rescored
),

gone_from_source as (
    select scored_calls.history_id
    from scored_calls
    left join calls
        on scored_calls.history_id = calls.history_id
    where calls.history_id is null
),

final as (
    select
        calls.history_id,
        calls.caller_key,
        calls.call_started_at,
        gradings.call_score_id,
        gradings.grading_count,
        false as is_gone_from_source,
        {{ lm_sql_string(invocation_id) }} as invocation_id
    from scoped
    inner join calls
        on scoped.history_id = calls.history_id
    left join gradings
        on scoped.history_id = gradings.history_id
    union all
    select
        history_id,
        null as caller_key,
        null as call_started_at,
        null as call_score_id,
        null as grading_count,
        true as is_gone_from_source,
        {{ lm_sql_string(invocation_id) }} as invocation_id
    from gone_from_source
)

select * from final
