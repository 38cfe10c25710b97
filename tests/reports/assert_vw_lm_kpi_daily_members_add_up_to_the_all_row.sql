-- Guards the grain-tagged KPI view: for every date, the channel rows and the operator rows add up to the
-- all row (counts and sums; a member of neither is '(none)', never dropped).
with

kpis as (
    select
        call_date,
        dimension,
        calls_offered,
        calls_answered,
        calls_lost,
        answered_in_sl,
        target_calls,
        booked_target_calls,
        offered_workload_min
    from {{ ref('vw_lm_kpi_daily') }}
),

totals as (
    select
        call_date,
        dimension,
        sum(calls_offered) as calls_offered,
        sum(calls_answered) as calls_answered,
        sum(calls_lost) as calls_lost,
        sum(answered_in_sl) as answered_in_sl,
        sum(target_calls) as target_calls,
        sum(booked_target_calls) as booked_target_calls,
        sum(offered_workload_min) as offered_workload_min
    from kpis
    group by call_date, dimension
),

overall as (
    select *
    from totals
    where dimension = 'all'
),

final as (
    select
        totals.call_date,
        totals.dimension
    from totals
    inner join overall
        on totals.call_date = overall.call_date
    where
        totals.calls_offered <> overall.calls_offered
        or totals.calls_answered <> overall.calls_answered
        or totals.calls_lost <> overall.calls_lost
        or totals.answered_in_sl <> overall.answered_in_sl
        or totals.target_calls <> overall.target_calls
        or totals.booked_target_calls <> overall.booked_target_calls
        or abs(totals.offered_workload_min - overall.offered_workload_min) > 0.001
)

select * from final
