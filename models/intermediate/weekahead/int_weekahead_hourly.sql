-- The hourly history the week-ahead step (lm forecast) reads, one row per call date x hour that has valid
-- calls (lm forecast fills the hours without calls with zeros): the series it forecasts - inbound calls
-- offered, bookings, risky cases, offered workload - and what staffing and what-if need from the history:
-- answered inbound calls, within the service-level threshold, and their handle time (AHT), the distinct
-- operators of the hour's answered calls and the callers' patience
-- (abandons after the short-abandon threshold and the waiting time beyond it, the censored exponential
-- estimate of lm.weekahead.staffing.estimate_patience). Definitions as in the KPI views (fct_calls flags).
-- A view over fct_calls: read once per lm forecast run, never stale.
{{ config(materialized='view') }}

with

facts as (
    select
        call_date,
        call_hour,
        operator_id,
        call_status,
        is_inbound,
        is_answered,
        is_booked,
        is_lost,
        is_answered_in_sl,
        await_sec,
        handle_sec,
        queue_impact_index,
        churn_risk_level,
        complaint_risk_flag
    from {{ ref('fct_calls') }}
),

params as (
    select short_abandon_sec
    from {{ ref('int_calc_params') }}
),

hourly as (
    select
        facts.call_date,
        facts.call_hour,
        sum({{ lm_bool_to_int('facts.is_inbound') }}) as calls_offered,
        sum({{ lm_bool_to_int('facts.is_booked') }}) as bookings,
        sum({{ lm_bool_to_int("facts.churn_risk_level = 'high' or facts.complaint_risk_flag = 'true'") }})
            as risky_cases,
        sum(coalesce(facts.queue_impact_index, 0)) as workload_min,
        sum({{ lm_bool_to_int('facts.is_inbound and facts.is_answered') }}) as calls_answered,
        sum({{ lm_bool_to_int('facts.is_answered_in_sl') }}) as answered_in_sl,
        sum(case when facts.is_inbound and facts.is_answered then facts.handle_sec else 0 end) as handle_sec_total,
        count(distinct case when facts.is_answered then facts.operator_id end) as operators_on_duty,
        sum({{ lm_bool_to_int('facts.is_lost and facts.await_sec is not null') }}) as patience_abandons,
        sum(
            case
                when
                    facts.is_inbound
                    and (facts.is_answered or facts.call_status in ('missed', 'abandoned'))
                    and facts.await_sec > params.short_abandon_sec
                    then facts.await_sec - params.short_abandon_sec
                else 0
            end
        ) as patience_exposure_sec
    from facts
    cross join params
    group by facts.call_date, facts.call_hour
),

final as (
    select
        call_date,
        call_hour,
        calls_offered,
        bookings,
        risky_cases,
        workload_min,
        calls_answered,
        answered_in_sl,
        handle_sec_total,
        operators_on_duty,
        patience_abandons,
        patience_exposure_sec
    from hourly
)

select * from final
