-- The week-ahead models' backtest for BI: every model of the latest lm forecast run (the run of the row with
-- the latest forecast_at; of two runs written in the same second, the greater forecast_run_id), per series
-- and grain, with is_chosen marking the model whose forecast vw_lm_forecast_daily / _hourly show.
with

backtest as (
    select
        forecast_run_id,
        series_code,
        grain,
        model_name,
        n_origins,
        horizon_days,
        mase,
        wape,
        coverage_80,
        coverage_95,
        is_chosen,
        interval_method,
        forecast_at,
        lm_version
    from {{ ref('stg_lm_state__weekahead_backtest') }}
),

latest_at as (
    select max(forecast_at) as forecast_at
    from backtest
),

latest_run as (
    select max(backtest.forecast_run_id) as forecast_run_id
    from backtest
    inner join latest_at
        on backtest.forecast_at = latest_at.forecast_at
),

final as (
    select
        backtest.series_code,
        backtest.grain,
        backtest.model_name,
        backtest.is_chosen,
        backtest.n_origins,
        backtest.horizon_days,
        backtest.mase,
        backtest.wape,
        backtest.coverage_80,
        backtest.coverage_95,
        backtest.interval_method,
        backtest.forecast_run_id,
        backtest.forecast_at,
        backtest.lm_version
    from backtest
    -- a scalar subquery, not a join to latest_run: MariaDB then reads only that run's rows
    -- by the primary key's prefix (a join scans every run; scripts/bench_weekahead_views.py)
    where backtest.forecast_run_id = (select latest_run.forecast_run_id from latest_run)
)

select * from final
