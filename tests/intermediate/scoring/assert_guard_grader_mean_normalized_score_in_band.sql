{{ config(severity='warn') }}
-- Guards (warn): a grader with at least var lm_guard_min_n scored gradings whose mean normalized score
-- (int_grader_scales, every grading) leaves the plausible band var lm_guard_score_band_low ..
-- lm_guard_score_band_high - e.g. a grader scoring 0-10 normalized as 0-100 (mean 0.07). Fix: run
-- `lm calibrate`, or correct the grader's row of seed lm_grader_scales. One row per warning, named in
-- the run summary (src/lm/summary.py).
with

graders as (
    select
        grader_code,
        n_scored,
        mean_normalized_score
    from {{ ref('int_grader_scales') }}
),

final as (
    select
        'grader_mean_normalized' as guard,
        grader_code as guard_subject,
        mean_normalized_score as observed,
        {{ lm_var('lm_guard_score_band_low') }} as limit_low,
        {{ lm_var('lm_guard_score_band_high') }} as limit_high,
        n_scored as n_rows
    from graders
    where
        n_scored >= {{ lm_var('lm_guard_min_n') }}
        and (
            mean_normalized_score < {{ lm_var('lm_guard_score_band_low') }}
            or mean_normalized_score > {{ lm_var('lm_guard_score_band_high') }}
        )
)

select * from final
