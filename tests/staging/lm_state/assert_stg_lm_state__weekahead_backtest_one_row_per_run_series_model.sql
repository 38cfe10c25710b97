-- Guards the key of stg_lm_state__weekahead_backtest: one backtest row per run, series, grain and model.
with

counted as (
    select
        forecast_run_id,
        series_code,
        grain,
        model_name,
        count(*) as rows_per_key
    from {{ ref('stg_lm_state__weekahead_backtest') }}
    group by forecast_run_id, series_code, grain, model_name
),

final as (
    select
        forecast_run_id,
        series_code,
        grain,
        model_name,
        rows_per_key
    from counted
    where
        rows_per_key > 1
        or forecast_run_id is null
        or series_code is null
        or grain is null
        or model_name is null
)

select * from final
