-- The what-if scenarios of lm whatif, read by vw_lm_whatif (see _lm_state__sources.yml).

with

source as (
    select
        forecast_run_id,
        scenario_code,
        description,
        calc_profile,
        is_baseline,
        calls_offered,
        calls_answered,
        expected_sl,
        expected_asa_sec,
        expected_abandonment,
        expected_bookings,
        operator_hours,
        forecast_at,
        lm_version
    from {{ source('lm_state', 'lm_whatif_results') }}
),

final as (
    select
        forecast_run_id,
        scenario_code,
        description,
        calc_profile,
        coalesce(is_baseline = 1, false) as is_baseline,
        calls_offered,
        calls_answered,
        expected_sl,
        expected_asa_sec,
        expected_abandonment,
        expected_bookings,
        operator_hours,
        forecast_at,
        lm_version
    from source
)

select * from final
