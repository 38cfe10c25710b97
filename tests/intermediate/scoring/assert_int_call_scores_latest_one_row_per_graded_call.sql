-- Guards: every graded history_id of the source keeps exactly one grading (its latest) in
-- int_call_scores_latest, and grading_count adds back up to the source's number of gradings.
with

source_gradings as (
    select
        count(distinct history_id) as graded_calls,
        count(*) as gradings
    from {{ source('operatorbot', 'call_scores') }}
),

staged_gradings as (
    select
        count(*) as graded_calls,
        sum(grading_count) as gradings
    from {{ ref('int_call_scores_latest') }}
),

final as (
    select
        source_gradings.graded_calls as source_graded_calls,
        staged_gradings.graded_calls as staged_graded_calls
    from source_gradings
    cross join staged_gradings
    where
        source_gradings.graded_calls <> staged_gradings.graded_calls
        or source_gradings.gradings <> coalesce(staged_gradings.gradings, 0)
)

select * from final
