-- The backtest of the week-ahead models, read by vw_lm_forecast_backtest (see _lm_state__sources.yml).

with

source as (
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
    from {{ source('lm_state', 'lm_weekahead_backtest') }}
),

final as (
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
        coalesce(is_chosen = 1, false) as is_chosen,
        interval_method,
        forecast_at,
        lm_version
    from source
)

select * from final
