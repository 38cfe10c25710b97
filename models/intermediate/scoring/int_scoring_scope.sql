-- The calls recomputed by this run, one row each. A full run (first run, --full-refresh, var
-- lm_full_rebuild, or a changed lm_version / lm_calc_profile) takes every call. An incremental run takes
-- the calls whose call_history row or latest grading changed since the last run's source high water
-- (minus var lm_lookback_hours, for late gradings and clock skew), the calls that start near or after
-- the database clock (their quarantine depends on it), and every call of the same caller within
-- var lm_caller_window_days of those (their caller-context features may change) - around where each
-- changed call is now and where it was when last scored (lm_scored_calls: an edited caller_number or
-- call_started_at moves a call away from its old neighbours). A grading that changes without becoming
-- the latest still changes the call (gradings_changed_at covers every grading of the call).
{%- set changed_since = lm_scoring_changed_since(
    ref('stg_lm_state__run_log'), ref('stg_lm_state__scored_calls')
) %}
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
        gradings_changed_at as graded_at
    from {{ ref('int_call_scores_latest') }}
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
            lm_now(), -(var('lm_future_tolerance_hours') + var('lm_lookback_hours')), 'hour'
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

scored_calls as (
    select
        history_id,
        caller_key,
        call_started_at
    from {{ ref('stg_lm_state__scored_calls') }}
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
),

same_caller_neighbours as (
    select calls.history_id
    from changed
    inner join calls
        on
            changed.caller_key = calls.caller_key
            and calls.call_started_at >= {{ lm_add_interval(
                'changed.call_started_at', -var('lm_caller_window_days'), 'day'
            ) }}
            and calls.call_started_at <= {{ lm_add_interval(
                'changed.call_started_at', var('lm_caller_window_days'), 'day'
            ) }}
    where {{ 'false' if is_full else 'true' }}
),

scoped as (
    select history_id
    from changed
    union distinct
    select history_id
    from same_caller_neighbours
),

final as (
    select
        calls.history_id,
        calls.caller_key,
        calls.call_started_at
    from scoped
    inner join calls
        on scoped.history_id = calls.history_id
)

select * from final
