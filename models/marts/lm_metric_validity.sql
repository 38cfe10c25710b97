-- How well each risk/flag metric ranks what later happened, on the whole valid history: one row per metric
-- and level (flag value), with n, right-censored n, outcome rate, base rate, lift and the metric's AUC.
-- One pass over the caller's timeline (window functions keyed by caller_key, call_started_at, history_id);
-- the metric values are read from the registry lm_value, pivoted to one row per call (one scan; MariaDB
-- runs the pivot per call as a LATERAL DERIVED on lm_value's key: 256 s at 1M calls, measured faster than
-- four key lookups per call with the default 128 MB buffer pool). No CTE is referenced twice: MariaDB
-- computes such a CTE once per reference (the earlier four-branch union took 1560 s at 1M calls).
-- Outcome windows are model constants (documented in the docs block lm_metric_validity):
{%- set churn_window_days = 30 %}
{%- set complaint_window_days = 30 %}
{%- set followup_window_hours = 72 %}
{%- set booking_window_days = 7 %}

with

valid_calls as (
    select
        history_id,
        caller_key,
        call_started_at
    from {{ ref('int_calls_validated') }}
    where quarantine_reason is null
),

gradings as (
    select
        history_id,
        outcome,
        call_category,
        is_target
    from {{ ref('int_call_scores_latest') }}
),

metric_values as (
    select
        history_id,
        metric_code,
        value_numeric,
        value_label,
        value_json
    from {{ ref('lm_value') }}
    where metric_code in ('churn_risk_level', 'complaint_risk_flag', 'feature_pack', 'conversion_score')
),

-- the latest valid call: a window that ends after it is not over yet (right-censored)
history_end as (
    select max(call_started_at) as history_end_at
    from valid_calls
),

call_values as (
    select {{ lm_big_result_hint() }}
        history_id,
        max(case when metric_code = 'churn_risk_level' then value_label end) as churn_risk_level,
        max(case when metric_code = 'complaint_risk_flag' then value_label end) as complaint_risk_flag,
        max(
            case
                when metric_code = 'feature_pack'
                    then {{ lm_json_extract_number('value_json', 'followup_trigger_at_call') }}
            end
        ) as followup_trigger_at_call,
        max(case when metric_code = 'conversion_score' then value_numeric end) as conversion_score
    from metric_values
    group by history_id
),

caller_calls as (
    select
        valid_calls.history_id,
        valid_calls.caller_key,
        valid_calls.call_started_at,
        case when coalesce(not gradings.is_target, false) then 1 else 0 end as is_non_target,
        case when gradings.outcome = 'record' then valid_calls.call_started_at end as booked_at,
        case when gradings.call_category = 'complaint' then valid_calls.call_started_at end as complaint_at
    from valid_calls
    left join gradings
        on valid_calls.history_id = gradings.history_id
    where valid_calls.caller_key is not null
),

-- the caller's sequence: first booking from this call on, first complaint and first call after it
sequenced as (
    select
        history_id,
        call_started_at,
        is_non_target,
        min(booked_at) over (
            partition by caller_key order by call_started_at, history_id
            rows between current row and unbounded following
        ) as booked_from_now_at,
        min(complaint_at) over (
            partition by caller_key order by call_started_at, history_id
            rows between 1 following and unbounded following
        ) as next_complaint_at,
        lead(call_started_at) over (
            partition by caller_key order by call_started_at, history_id
        ) as next_call_at
    from caller_calls
),

timeline as (
    select
        sequenced.history_id,
        sequenced.is_non_target,
        {{ lm_seconds_between('sequenced.call_started_at', 'history_end.history_end_at') }} as observed_sec,
        {{ lm_seconds_between('sequenced.call_started_at', 'sequenced.booked_from_now_at') }} as booked_after_sec,
        {{ lm_seconds_between('sequenced.call_started_at', 'sequenced.next_complaint_at') }} as complaint_after_sec,
        {{ lm_seconds_between('sequenced.call_started_at', 'sequenced.next_call_at') }} as next_call_after_sec
    from sequenced
    cross join history_end
),

-- one row per call: every validated metric's value and every outcome; joined once, then spread over the
-- metrics by a cross join (no CTE referenced twice: MariaDB would compute it once per reference)
per_call as (
    select
        timeline.observed_sec,
        timeline.is_non_target,
        call_values.churn_risk_level,
        call_values.complaint_risk_flag,
        call_values.followup_trigger_at_call,
        call_values.conversion_score,
        case
            when coalesce(timeline.booked_after_sec <= {{ churn_window_days * 86400 }}, false) then 0 else 1
        end as has_no_booking_churn_window,
        case
            when coalesce(timeline.complaint_after_sec <= {{ complaint_window_days * 86400 }}, false) then 1 else 0
        end as has_complaint,
        case
            when coalesce(timeline.next_call_after_sec <= {{ followup_window_hours * 3600 }}, false) then 1 else 0
        end as has_returned,
        case
            when coalesce(timeline.booked_after_sec <= {{ booking_window_days * 86400 }}, false) then 1 else 0
        end as has_booking
    from timeline
    inner join call_values
        on timeline.history_id = call_values.history_id
),

metrics as (
    select
        'churn_risk_level' as metric_code,
        'no_booking_{{ churn_window_days }}d' as outcome_code,
        {{ churn_window_days * 86400 }} as window_sec
    union all
    select
        'complaint_risk_flag' as metric_code,
        'complaint_call_{{ complaint_window_days }}d' as outcome_code,
        {{ complaint_window_days * 86400 }} as window_sec
    union all
    select
        'followup_needed_flag' as metric_code,
        'caller_returned_{{ followup_window_hours }}h' as outcome_code,
        {{ followup_window_hours * 3600 }} as window_sec
    union all
    select
        'conversion_score' as metric_code,
        'booking_{{ booking_window_days }}d' as outcome_code,
        {{ booking_window_days * 86400 }} as window_sec
),

-- each call under each metric: its level's rank (low first; NULL = not in the metric's population)
spread as (
    select
        metrics.metric_code,
        metrics.outcome_code,
        case when per_call.observed_sec < metrics.window_sec then 1 else 0 end as is_censored,
        case metrics.metric_code
            when 'churn_risk_level' then per_call.has_no_booking_churn_window
            when 'complaint_risk_flag' then per_call.has_complaint
            when 'followup_needed_flag' then per_call.has_returned
            else per_call.has_booking
        end as has_outcome,
        case metrics.metric_code
            when 'churn_risk_level'
                then
                    case
                        when per_call.is_non_target = 1 then null
                        when per_call.churn_risk_level = 'low' then 1
                        when per_call.churn_risk_level = 'medium' then 2
                        when per_call.churn_risk_level = 'high' then 3
                    end
            when 'complaint_risk_flag'
                then
                    case per_call.complaint_risk_flag when 'false' then 1 when 'true' then 2 end
            when 'followup_needed_flag'
                then
                    case
                        when per_call.followup_trigger_at_call = 0 then 1
                        when per_call.followup_trigger_at_call = 1 then 2
                    end
            else
                case
                    when per_call.conversion_score <= 0 then 1
                    when per_call.conversion_score < 0.5 then 2
                    when per_call.conversion_score < 1 then 3
                    when per_call.conversion_score >= 1 then 4
                end
        end as level_rank
    from per_call
    cross join metrics
),

evaluated as (
    select
        metric_code,
        outcome_code,
        is_censored,
        has_outcome,
        level_rank,
        case metric_code
            when 'churn_risk_level'
                then
                    case level_rank when 1 then 'low' when 2 then 'medium' else 'high' end
            when 'conversion_score'
                then
                    case level_rank when 1 then '0' when 2 then '(0,0.5)' when 3 then '[0.5,1)' else '1' end
            else case level_rank when 1 then 'false' else 'true' end
        end as metric_level
    from spread
    where level_rank is not null
),

per_level as (
    select
        metric_code,
        metric_level,
        level_rank,
        outcome_code,
        count(*) as n,
        sum(is_censored) as n_censored,
        sum(case when is_censored = 0 then has_outcome else 0 end) as outcome_n,
        sum(case when is_censored = 0 then 1 - has_outcome else 0 end) as no_outcome_n
    from evaluated
    group by metric_code, metric_level, level_rank, outcome_code
),

-- AUC from per-level counts: P(level of a call with the outcome > level of one without), ties count 1/2
cumulated as (
    select
        metric_code,
        metric_level,
        level_rank,
        outcome_code,
        n,
        n_censored,
        outcome_n,
        no_outcome_n,
        coalesce(sum(no_outcome_n) over (
            partition by metric_code order by level_rank
            rows between unbounded preceding and 1 preceding
        ), 0) as no_outcome_below_n,
        sum(outcome_n) over (partition by metric_code) as metric_outcome_n,
        sum(no_outcome_n) over (partition by metric_code) as metric_no_outcome_n
    from per_level
),

final as (
    select
        metric_code,
        metric_level,
        cast(level_rank as {{ lm_type_int() }}) as level_rank,
        outcome_code,
        cast(n as {{ lm_type_int() }}) as n,
        cast(n_censored as {{ lm_type_int() }}) as n_censored,
        cast(outcome_n as {{ lm_type_int() }}) as outcome_n,
        {{ lm_safe_divide('outcome_n', 'outcome_n + no_outcome_n') }} as outcome_rate,
        {{ lm_safe_divide('metric_outcome_n', 'metric_outcome_n + metric_no_outcome_n') }} as base_rate,
        {{ lm_safe_divide(
            lm_safe_divide('outcome_n', 'outcome_n + no_outcome_n'),
            lm_safe_divide('metric_outcome_n', 'metric_outcome_n + metric_no_outcome_n'),
        ) }} as lift,
        {{ lm_safe_divide(
            'sum(outcome_n * (no_outcome_below_n + 0.5 * no_outcome_n)) over (partition by metric_code)',
            'metric_outcome_n * metric_no_outcome_n',
        ) }} as auc
    from cumulated
)

select * from final
