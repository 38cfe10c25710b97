-- The grading that counts for each graded call: the latest by updated_at (rows without updated_at rank
-- last), then by id. Superseded gradings are counted (grading_count) but not carried; gradings_changed_at
-- is the latest change among all of them, so a grading that does not become the latest still rescores
-- the call. Orphan gradings are still here (int_call_scores_orphaned sets them aside). A label that is
-- present but not in its vocabulary (seeds lm_call_categories, lm_refusal_reasons; var lm_outcomes in
-- staging) is flagged; the vocabulary guards (tests/intermediate/scoring/assert_guard_*) count them.
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

call_categories as (
    select call_category
    from {{ ref('lm_call_categories') }}
),

refusal_reasons as (
    select refusal_reason
    from {{ ref('lm_refusal_reasons') }}
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
        ranked.call_score_id,
        ranked.history_id,
        ranked.call_date,
        ranked.is_target,
        ranked.outcome,
        ranked.refusal_reason,
        ranked.call_category,
        ranked.call_type,
        ranked.context_type,
        ranked.requested_service_id,
        ranked.doctor_id,
        ranked.checklist_items_done,
        ranked.checklist_template,
        ranked.call_score,
        ranked.scored_by,
        cast(ranked.grading_count as {{ lm_type_int() }}) as grading_count,
        ranked.gradings_changed_at,
        ranked.created_at,
        ranked.updated_at,
        ranked.is_future_grading,
        ranked.has_negative_checklist,
        ranked.has_negative_score,
        ranked.is_unknown_outcome,
        ranked.call_category is not null and call_categories.call_category is null as is_unknown_call_category,
        ranked.refusal_reason is not null and refusal_reasons.refusal_reason is null as is_unknown_refusal_reason
    from ranked
    left join call_categories
        on ranked.call_category = call_categories.call_category
    left join refusal_reasons
        on ranked.refusal_reason = refusal_reasons.refusal_reason
    where ranked.grading_rank = 1
)

select * from final
