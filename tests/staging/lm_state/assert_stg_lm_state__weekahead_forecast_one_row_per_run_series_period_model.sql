-- Guards the key of stg_lm_state__weekahead_forecast: one forecast row per run, series, grain, period and
-- model (lm forecast appends one set per run; a second write of the same run would show here).
with

counted as (
    select
        forecast_run_id,
        series_code,
        grain,
        period_start,
        model_name,
        count(*) as rows_per_key
    from {{ ref('stg_lm_state__weekahead_forecast') }}
    group by forecast_run_id, series_code, grain, period_start, model_name
),

final as (
    select
        forecast_run_id,
        series_code,
        grain,
        period_start,
        model_name,
        rows_per_key
    from counted
    where
        rows_per_key > 1
        or forecast_run_id is null
        or series_code is null
        or grain is null
        or period_start is null
        or model_name is null
)

select * from final
