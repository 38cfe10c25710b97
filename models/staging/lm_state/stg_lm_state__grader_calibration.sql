-- The grader calibration of `lm calibrate`, read back by int_grader_scales (see _lm_state__sources.yml).

with

source as (
    select
        calibration_version,
        grader_code,
        scale_min,
        scale_max,
        calibration_offset,
        n_gradings,
        n_in_scale,
        score_p01,
        score_p10,
        score_p50,
        score_p90,
        score_p99,
        grader_location,
        reference_location,
        fit_method,
        is_family_fallback,
        fallback_code,
        min_n,
        fitted_at
    from {{ source('lm_state', 'lm_grader_calibration') }}
),

final as (
    select
        calibration_version,
        grader_code,
        scale_min,
        scale_max,
        calibration_offset,
        n_gradings,
        n_in_scale,
        score_p01,
        score_p10,
        score_p50,
        score_p90,
        score_p99,
        grader_location,
        reference_location,
        fit_method,
        coalesce(is_family_fallback = 1, false) as is_family_fallback,
        fallback_code,
        min_n,
        fitted_at
    from source
)

select * from final
