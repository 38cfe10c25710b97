-- The week-ahead forecasts of lm forecast, read by vw_lm_forecast_daily and vw_lm_forecast_hourly
-- (see _lm_state__sources.yml).

with

source as (
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
        forecast_at,
        lm_version
    from {{ source('lm_state', 'lm_weekahead_forecast') }}
),

final as (
    select
        forecast_run_id,
        series_code,
        grain,
        period_start,
        model_name,
        coalesce(is_chosen = 1, false) as is_chosen,
        point,
        lo_80,
        hi_80,
        lo_95,
        hi_95,
        interval_method,
        forecast_at,
        lm_version
    from source
)

select * from final
