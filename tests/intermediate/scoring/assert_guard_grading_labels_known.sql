{{ config(severity='warn') }}
-- Guards (warn): each label vocabulary the rules rely on - outcome (var lm_outcomes), call_category
-- (seed lm_call_categories), refusal_reason (seed lm_refusal_reasons) - is not silently replaced: when
-- values that are present but not in the vocabulary cover more than var lm_guard_max_unknown_share of
-- the gradings that count (int_call_scores_latest), one row names the label. The rules score such
-- values as unknown / other; the run summary names the warning (src/lm/summary.py).
with

gradings as (
    select
        is_unknown_outcome,
        is_unknown_call_category,
        is_unknown_refusal_reason
    from {{ ref('int_call_scores_latest') }}
),

counts as (
    select
        count(*) as n_gradings,
        sum(case when is_unknown_outcome then 1 else 0 end) as n_unknown_outcome,
        sum(case when is_unknown_call_category then 1 else 0 end) as n_unknown_call_category,
        sum(case when is_unknown_refusal_reason then 1 else 0 end) as n_unknown_refusal_reason
    from gradings
),

labels as (
    select
        'outcome' as guard_subject,
        n_unknown_outcome as n_unknown,
        n_gradings
    from counts
    union all
    select
        'call_category' as guard_subject,
        n_unknown_call_category as n_unknown,
        n_gradings
    from counts
    union all
    select
        'refusal_reason' as guard_subject,
        n_unknown_refusal_reason as n_unknown,
        n_gradings
    from counts
),

final as (
    select
        'unknown_label' as guard,
        guard_subject,
        {{ lm_safe_divide('n_unknown', 'n_gradings') }} as observed,
        0 as limit_low,
        {{ lm_var('lm_guard_max_unknown_share') }} as limit_high,
        n_gradings as n_rows
    from labels
    where n_unknown > {{ lm_var('lm_guard_max_unknown_share') }} * n_gradings
)

select * from final
