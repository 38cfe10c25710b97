-- Guards the key of vw_lm_forecast_backtest: one row per series, grain and model, and exactly one chosen
-- model per series and grain (the forecast views show the chosen model's rows; two or none would make them
-- ambiguous or empty).
with

backtest as (
    select
        series_code,
        grain,
        model_name,
        is_chosen
    from {{ ref('vw_lm_forecast_backtest') }}
),

per_key as (
    select
        series_code,
        grain,
        model_name,
        count(*) as rows_per_key
    from backtest
    group by series_code, grain, model_name
),

per_series as (
    select
        series_code,
        grain,
        sum(case when is_chosen then 1 else 0 end) as chosen_models
    from backtest
    group by series_code, grain
),

final as (
    select
        series_code,
        grain,
        'duplicate backtest row' as problem
    from per_key
    where rows_per_key > 1
    union all
    select
        series_code,
        grain,
        'not exactly one chosen model' as problem
    from per_series
    where chosen_models <> 1
)

select * from final
