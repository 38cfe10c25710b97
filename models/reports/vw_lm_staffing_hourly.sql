-- The week-ahead staffing for BI: every forecast hour of the latest lm forecast run (the run of the row with
-- the latest forecast_at; of two runs written in the same second, the greater forecast_run_id) with its date,
-- hour and ISO weekday, the agents Erlang C and A need, the staff to schedule, the KPIs at that staffing and
-- at the history's operators, and operators_gap: agents_erlang_a - operators_history, the agents on the
-- phones to add (negative: to spare) against what the history shows for that weekday-hour. Both are agents
-- on the phones, net of shrinkage; scheduled_staff is not (it adds shrinkage), so it is not what the gap
-- is measured on.
with

staffing as (
    select
        forecast_run_id,
        period_start,
        calls_forecast,
        aht_sec,
        mean_patience_sec,
        agents_erlang_c,
        agents_erlang_a,
        scheduled_staff,
        binding_constraint,
        sl_at_required,
        asa_at_required_sec,
        abandonment_at_required,
        operators_history,
        sl_at_history,
        asa_at_history_sec,
        abandonment_at_history,
        forecast_at,
        lm_version
    from {{ ref('stg_lm_state__staffing_hourly') }}
),

latest_at as (
    select max(forecast_at) as forecast_at
    from staffing
),

latest_run as (
    select max(staffing.forecast_run_id) as forecast_run_id
    from staffing
    inner join latest_at
        on staffing.forecast_at = latest_at.forecast_at
),

final as (
    select
        {{ lm_date_of('staffing.period_start') }} as forecast_date,
        {{ lm_hour_of('staffing.period_start') }} as forecast_hour,
        {{ lm_iso_weekday('staffing.period_start') }} as forecast_weekday,
        staffing.period_start,
        staffing.calls_forecast,
        staffing.aht_sec,
        staffing.mean_patience_sec,
        staffing.agents_erlang_c,
        staffing.agents_erlang_a,
        staffing.scheduled_staff,
        staffing.binding_constraint,
        staffing.sl_at_required,
        staffing.asa_at_required_sec,
        staffing.abandonment_at_required,
        staffing.operators_history,
        staffing.agents_erlang_a - staffing.operators_history as operators_gap,
        staffing.sl_at_history,
        staffing.asa_at_history_sec,
        staffing.abandonment_at_history,
        staffing.forecast_run_id,
        staffing.forecast_at,
        staffing.lm_version
    from staffing
    -- a scalar subquery, not a join to latest_run: MariaDB then reads only that run's rows
    -- by the primary key's prefix (a join scans every run; scripts/bench_weekahead_views.py)
    where staffing.forecast_run_id = (select latest_run.forecast_run_id from latest_run)
)

select * from final
