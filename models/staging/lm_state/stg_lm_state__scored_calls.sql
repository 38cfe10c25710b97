-- Where each call was when it was last scored, read back by int_scoring_scope.

with

source as (
    select
        history_id,
        caller_key,
        call_started_at,
        call_score_id,
        grading_count
    from {{ source('lm_state', 'lm_scored_calls') }}
),

final as (
    select
        history_id,
        caller_key,
        call_started_at,
        call_score_id,
        grading_count
    from source
)

select * from final
