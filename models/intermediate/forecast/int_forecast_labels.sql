-- What later happened after each valid call, the labels the forecast step learns from (lm train), one row
-- per valid call. Windows are calc-profile parameters (int_calc_params), measured from the call's start:
--   has_second_call   - the same caller has another valid call, either direction, any status, within
--                       forecast_second_call_days (7) after it;
--   has_later_booking - a later answered call of the same caller within forecast_booking_days (14) whose
--                       latest grading says record (the label of conversion_prob_forecast, which is defined
--                       for target calls that did not book: is_conversion_population);
--   has_complaint     - a later call of the same caller within forecast_complaint_days (30) whose latest
--                       grading has call_category complaint.
-- A label is known (is_*_closed) only when its window ended by the latest valid call: a call whose window
-- is still open is right-censored, never a training example (it is still scored). caller_last_labelled_at
-- (the caller's latest call whose second-call window closed, i.e. the latest one lm train reads) lets lm
-- train keep every caller with a call in a holdout period out of the training side without reading the
-- caller key or a window of its own. Calls without a caller
-- key have no observable later calls and no row here. A view: read only by lm train, never stale.
{{ config(materialized='view') }}

with

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
        is_target,
        outcome,
        call_category
    from {{ ref('int_call_scores_latest') }}
),

params as (
    select
        forecast_second_call_days,
        forecast_booking_days,
        forecast_complaint_days
    from {{ ref('int_calc_params') }}
),

history_end as (
    select max(call_started_at) as history_end_at
    from valid_calls
),

caller_calls as (
    select
        valid_calls.history_id,
        valid_calls.caller_key,
        valid_calls.call_started_at,
        coalesce(
            valid_calls.call_status = 'answered' and gradings.is_target and gradings.outcome <> 'record', false
        ) as is_conversion_population,
        case
            when valid_calls.call_status = 'answered' and gradings.outcome = 'record' then valid_calls.call_started_at
        end as booked_at,
        case when gradings.call_category = 'complaint' then valid_calls.call_started_at end as complaint_at,
        -- a call whose shortest (second-call) window closed: the calls lm train learns from
        case
            when
                {{ lm_seconds_between('valid_calls.call_started_at', 'history_end.history_end_at') }}
                >= params.forecast_second_call_days * 86400
                then valid_calls.call_started_at
        end as labelled_at
    from valid_calls
    cross join history_end
    cross join params
    left join gradings
        on valid_calls.history_id = gradings.history_id
    where valid_calls.caller_key is not null
),

-- the caller's timeline: the next call, and the first booking and complaint after this call
sequenced as (
    select
        history_id,
        call_started_at,
        is_conversion_population,
        lead(call_started_at) over (
            partition by caller_key order by call_started_at, history_id
        ) as next_call_at,
        min(booked_at) over (
            partition by caller_key order by call_started_at, history_id
            rows between 1 following and unbounded following
        ) as next_booked_at,
        min(complaint_at) over (
            partition by caller_key order by call_started_at, history_id
            rows between 1 following and unbounded following
        ) as next_complaint_at,
        max(labelled_at) over (partition by caller_key) as caller_last_labelled_at
    from caller_calls
),

timeline as (
    select
        sequenced.history_id,
        sequenced.is_conversion_population,
        sequenced.caller_last_labelled_at,
        {{ lm_seconds_between('sequenced.call_started_at', 'history_end.history_end_at') }} as observed_sec,
        {{ lm_seconds_between('sequenced.call_started_at', 'sequenced.next_call_at') }} as next_call_after_sec,
        {{ lm_seconds_between('sequenced.call_started_at', 'sequenced.next_booked_at') }} as next_booked_after_sec,
        {{ lm_seconds_between('sequenced.call_started_at', 'sequenced.next_complaint_at') }}
            as next_complaint_after_sec,
        params.forecast_second_call_days * 86400 as second_call_window_sec,
        params.forecast_booking_days * 86400 as booking_window_sec,
        params.forecast_complaint_days * 86400 as complaint_window_sec
    from sequenced
    cross join history_end
    cross join params
),

final as (
    select
        history_id,
        {{ lm_bool_to_int('is_conversion_population') }} as is_conversion_population,
        case when observed_sec >= second_call_window_sec then 1 else 0 end as is_second_call_closed,
        case when observed_sec >= booking_window_sec then 1 else 0 end as is_booking_closed,
        case when observed_sec >= complaint_window_sec then 1 else 0 end as is_complaint_closed,
        case when coalesce(next_call_after_sec <= second_call_window_sec, false) then 1 else 0 end
            as has_second_call,
        case when coalesce(next_booked_after_sec <= booking_window_sec, false) then 1 else 0 end
            as has_later_booking,
        case when coalesce(next_complaint_after_sec <= complaint_window_sec, false) then 1 else 0 end
            as has_complaint,
        caller_last_labelled_at
    from timeline
)

select * from final
