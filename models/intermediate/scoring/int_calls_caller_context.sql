-- For each call in this run's scope: when the same caller called just before (at-call context), when they
-- next got an answered call (read only by the as-of-now followup_needed_flag) and when they next booked
-- (a later call graded record: fct_calls' attributed conversion, a statistic, not a metric), from the caller's
-- valid calls (quarantined calls do not count). Gaps are in hours and only kept within
-- var lm_caller_window_days, so a call's context depends only on calls that close to it - which is what
-- lets int_scoring_scope recompute just the neighbours of a changed call.
with

scope as (
    select history_id
    from {{ ref('int_scoring_scope') }}
),

valid_calls as (
    select
        history_id,
        caller_key,
        call_started_at,
        call_status
    from {{ ref('int_calls_validated') }}
    where quarantine_reason is null
),

gradings as (
    select
        history_id,
        outcome
    from {{ ref('int_call_scores_latest') }}
),

scoped_callers as (
    select distinct valid_calls.caller_key
    from scope
    inner join valid_calls
        on scope.history_id = valid_calls.history_id
    where valid_calls.caller_key is not null
),

caller_calls as (
    select
        valid_calls.history_id,
        valid_calls.caller_key,
        valid_calls.call_started_at,
        case when valid_calls.call_status = 'answered' then valid_calls.call_started_at end as answered_at,
        case when gradings.outcome = 'record' then valid_calls.call_started_at end as booked_at
    from scoped_callers
    inner join valid_calls
        on scoped_callers.caller_key = valid_calls.caller_key
    left join gradings
        on valid_calls.history_id = gradings.history_id
),

sequenced as (
    select
        history_id,
        call_started_at,
        lag(call_started_at) over (partition by caller_key order by call_started_at, history_id) as previous_call_at,
        min(answered_at) over (
            partition by caller_key order by call_started_at, history_id
            rows between 1 following and unbounded following
        ) as next_answered_at,
        min(booked_at) over (
            partition by caller_key order by call_started_at, history_id
            rows between 1 following and unbounded following
        ) as next_booked_at
    from caller_calls
),

gaps as (
    select
        history_id,
        {{ lm_seconds_between('previous_call_at', 'call_started_at') }} / 3600.0 as previous_call_gap_hours,
        {{ lm_seconds_between('call_started_at', 'next_answered_at') }} / 3600.0 as next_answered_gap_hours,
        {{ lm_seconds_between('call_started_at', 'next_booked_at') }} / 3600.0 as next_booked_gap_hours
    from sequenced
),

final as (
    select
        scope.history_id,
        case
            when gaps.previous_call_gap_hours <= {{ lm_var('lm_caller_window_days') * 24 }}
                then gaps.previous_call_gap_hours
        end as previous_call_gap_hours,
        case
            when gaps.next_answered_gap_hours <= {{ lm_var('lm_caller_window_days') * 24 }}
                then gaps.next_answered_gap_hours
        end as next_answered_gap_hours,
        case
            when gaps.next_booked_gap_hours <= {{ lm_var('lm_caller_window_days') * 24 }}
                then gaps.next_booked_gap_hours
        end as next_booked_gap_hours
    from scope
    left join gaps
        on scope.history_id = gaps.history_id
)

select * from final
