-- Guards the key of stg_lm_state__staffing_hourly: one staffing row per run and forecast hour.
with

counted as (
    select
        forecast_run_id,
        period_start,
        count(*) as rows_per_key
    from {{ ref('stg_lm_state__staffing_hourly') }}
    group by forecast_run_id, period_start
),

final as (
    select
        forecast_run_id,
        period_start,
        rows_per_key
    from counted
    where rows_per_key > 1 or forecast_run_id is null or period_start is null
)

select * from final
