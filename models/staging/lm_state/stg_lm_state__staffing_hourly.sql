-- The staffing of each forecast hour of lm forecast, read by vw_lm_staffing_hourly
-- (see _lm_state__sources.yml).

with

source as (
    select
        forecast_run_id,
        period_start,
        calls_forecast,
        aht_sec,
        mean_patience_sec,
        agents_erlang_c,
        agents_erlang_a,
        scheduled_staff,
        binding_constraint,
        sl_at_required,
        asa_at_required_sec,
        abandonment_at_required,
        operators_history,
        sl_at_history,
        asa_at_history_sec,
        abandonment_at_history,
        forecast_at,
        lm_version
    from {{ source('lm_state', 'lm_staffing_hourly') }}
),

final as (
    select
        forecast_run_id,
        period_start,
        calls_forecast,
        aht_sec,
        mean_patience_sec,
        agents_erlang_c,
        agents_erlang_a,
        scheduled_staff,
        binding_constraint,
        sl_at_required,
        asa_at_required_sec,
        abandonment_at_required,
        operators_history,
        sl_at_history,
        asa_at_history_sec,
        abandonment_at_history,
        forecast_at,
        lm_version
    from source
)

select * from final
