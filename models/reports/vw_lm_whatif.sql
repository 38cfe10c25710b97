-- The what-if scenarios for BI: the week totals of every scenario of the latest lm whatif run (the run of the
-- row with the latest forecast_at; of two runs written in the same second, the greater forecast_run_id), with
-- the change of each KPI against the run's baseline row (scenario minus baseline: 0 on the baseline itself,
-- NULL when the run has no baseline row).
with

scenarios as (
    select
        forecast_run_id,
        scenario_code,
        description,
        calc_profile,
        is_baseline,
        calls_offered,
        calls_answered,
        expected_sl,
        expected_asa_sec,
        expected_abandonment,
        expected_bookings,
        operator_hours,
        forecast_at,
        lm_version
    from {{ ref('stg_lm_state__whatif_results') }}
),

latest_at as (
    select max(forecast_at) as forecast_at
    from scenarios
),

latest_run as (
    select max(scenarios.forecast_run_id) as forecast_run_id
    from scenarios
    inner join latest_at
        on scenarios.forecast_at = latest_at.forecast_at
),

run_scenarios as (
    select scenarios.*
    from scenarios
    -- a scalar subquery, not a join to latest_run: MariaDB then reads only that run's rows
    -- by the primary key's prefix (a join scans every run; scripts/bench_weekahead_views.py)
    where scenarios.forecast_run_id = (select latest_run.forecast_run_id from latest_run)
),

baseline as (
    select
        forecast_run_id,
        expected_sl,
        expected_asa_sec,
        expected_abandonment,
        expected_bookings
    from run_scenarios
    where is_baseline
),

final as (
    select
        run_scenarios.scenario_code,
        run_scenarios.description,
        run_scenarios.calc_profile,
        run_scenarios.is_baseline,
        run_scenarios.calls_offered,
        run_scenarios.calls_answered,
        run_scenarios.expected_sl,
        run_scenarios.expected_asa_sec,
        run_scenarios.expected_abandonment,
        run_scenarios.expected_bookings,
        run_scenarios.operator_hours,
        run_scenarios.expected_sl - baseline.expected_sl as sl_change,
        run_scenarios.expected_asa_sec - baseline.expected_asa_sec as asa_change_sec,
        run_scenarios.expected_abandonment - baseline.expected_abandonment as abandonment_change,
        run_scenarios.expected_bookings - baseline.expected_bookings as bookings_change,
        run_scenarios.forecast_run_id,
        run_scenarios.forecast_at,
        run_scenarios.lm_version
    from run_scenarios
    left join baseline
        on run_scenarios.forecast_run_id = baseline.forecast_run_id
)

select * from final
