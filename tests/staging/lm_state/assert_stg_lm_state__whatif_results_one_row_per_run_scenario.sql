-- Guards the key of stg_lm_state__whatif_results: one row per run and scenario.
with

counted as (
    select
        forecast_run_id,
        scenario_code,
        count(*) as rows_per_key
    from {{ ref('stg_lm_state__whatif_results') }}
    group by forecast_run_id, scenario_code
),

final as (
    select
        forecast_run_id,
        scenario_code,
        rows_per_key
    from counted
    where rows_per_key > 1 or forecast_run_id is null or scenario_code is null
)

select * from final
