{{ config(severity='warn') }}
-- Guards (warn): a grader with at least var lm_guard_min_n scored gradings whose scores fall outside
-- the scale it is normalized with (int_grader_scales: seed override, fit of `lm calibrate`, or the
-- seed's prior) more often than var lm_guard_max_out_of_scale_share - its seed row is wrong or it needs
-- `lm calibrate`. Each row is one warning, named in the run summary (src/lm/summary.py).
with

graders as (
    select
        grader_code,
        scale_min,
        scale_max,
        n_scored,
        n_out_of_scale
    from {{ ref('int_grader_scales') }}
),

final as (
    select
        'grader_out_of_scale' as guard,
        grader_code as guard_subject,
        {{ lm_safe_divide('n_out_of_scale', 'n_scored') }} as observed,
        scale_min as limit_low,
        scale_max as limit_high,
        n_scored as n_rows
    from graders
    where
        n_scored >= {{ lm_var('lm_guard_min_n') }}
        and n_out_of_scale > {{ lm_var('lm_guard_max_out_of_scale_share') }} * n_scored
)

select * from final
