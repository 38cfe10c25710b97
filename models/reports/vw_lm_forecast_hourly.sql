-- The week-ahead hourly forecast for BI: the latest lm forecast run (the run of the row with the latest
-- forecast_at; of two runs written in the same second, the greater forecast_run_id), grain hour, one row per
-- series and hour with the model the run's backtest chose, its 80 / 95 % intervals, and beside it the point
-- of the run's SeasonalNaive model for the same series and hour (the baseline a manager compares against).
with

forecasts as (
    select
        forecast_run_id,
        series_code,
        grain,
        period_start,
        model_name,
        is_chosen,
        point,
        lo_80,
        hi_80,
        lo_95,
        hi_95,
        interval_method,
        forecast_at
    from {{ ref('stg_lm_state__weekahead_forecast') }}
),

latest_at as (
    select max(forecast_at) as forecast_at
    from forecasts
),

latest_run as (
    select max(forecasts.forecast_run_id) as forecast_run_id
    from forecasts
    inner join latest_at
        on forecasts.forecast_at = latest_at.forecast_at
),

run_hours as (
    select forecasts.*
    from forecasts
    where
        -- a scalar subquery, not a join to latest_run: MariaDB then reads only that run's rows
        -- by the primary key's prefix (a join scans every run; scripts/bench_weekahead_views.py)
        forecasts.forecast_run_id = (select latest_run.forecast_run_id from latest_run)
        and forecasts.grain = 'hour'
),

chosen as (
    select
        forecast_run_id,
        series_code,
        period_start,
        model_name,
        point,
        lo_80,
        hi_80,
        lo_95,
        hi_95,
        interval_method,
        forecast_at
    from run_hours
    where is_chosen
),

seasonal_naive as (
    select
        series_code,
        period_start,
        point as seasonal_naive_point
    from run_hours
    where model_name = 'SeasonalNaive'
),

final as (
    select
        chosen.series_code,
        {{ lm_date_of('chosen.period_start') }} as forecast_date,
        {{ lm_hour_of('chosen.period_start') }} as forecast_hour,
        chosen.period_start,
        chosen.model_name,
        chosen.point,
        chosen.lo_80,
        chosen.hi_80,
        chosen.lo_95,
        chosen.hi_95,
        chosen.interval_method,
        seasonal_naive.seasonal_naive_point,
        chosen.forecast_run_id,
        chosen.forecast_at
    from chosen
    left join seasonal_naive
        on
            chosen.series_code = seasonal_naive.series_code
            and chosen.period_start = seasonal_naive.period_start
)

select * from final
