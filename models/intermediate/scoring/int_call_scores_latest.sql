-- The grading that counts for each graded call: the latest by updated_at (rows without updated_at rank
-- last), then by id. Superseded gradings are counted (grading_count) but not carried; gradings_changed_at
-- is the latest change among all of them, so a grading that does not become the latest still rescores
-- the call. Orphan gradings are still here (int_call_scores_orphaned sets them aside).
-- A keyed table (the intermediate default): ranking every grading is the costly step before scoring,
-- and four scoring models read the result, so it is ranked once per run (MariaDB, 1M calls,
-- scripts/bench_pipeline.py: an incremental day took 51.5 s when this was a view, 27.7 s as a table).

with

gradings as (
    select
        call_score_id,
        history_id,
        call_date,
        is_target,
        outcome,
        refusal_reason,
        call_category,
        call_type,
        context_type,
        requested_service_id,
        doctor_id,
        checklist_items_done,
        checklist_template,
        call_score,
        scored_by,
        created_at,
        updated_at,
        is_future_grading,
        has_negative_checklist,
        has_negative_score,
        is_unknown_outcome
    from {{ ref('stg_operatorbot__call_scores') }}
),

ranked as (
    select
        call_score_id,
        history_id,
        call_date,
        is_target,
        outcome,
        refusal_reason,
        call_category,
        call_type,
        context_type,
        requested_service_id,
        doctor_id,
        checklist_items_done,
        checklist_template,
        call_score,
        scored_by,
        created_at,
        updated_at,
        is_future_grading,
        has_negative_checklist,
        has_negative_score,
        is_unknown_outcome,
        row_number() over (
            partition by history_id
            order by case when updated_at is null then 1 else 0 end, updated_at desc, call_score_id desc
        ) as grading_rank,
        count(*) over (partition by history_id) as grading_count,
        max(
            case when updated_at is null or created_at > updated_at then created_at else updated_at end
        ) over (partition by history_id) as gradings_changed_at
    from gradings
),

final as (
    select
        call_score_id,
        history_id,
        call_date,
        is_target,
        outcome,
        refusal_reason,
        call_category,
        call_type,
        context_type,
        requested_service_id,
        doctor_id,
        checklist_items_done,
        checklist_template,
        call_score,
        scored_by,
        cast(grading_count as {{ lm_type_int() }}) as grading_count,
        gradings_changed_at,
        created_at,
        updated_at,
        is_future_grading,
        has_negative_checklist,
        has_negative_score,
        is_unknown_outcome
    from ranked
    where grading_rank = 1
)

select * from final
