-- The grading that counts for each graded call: the latest by updated_at (rows without updated_at rank
-- last), then by id. Superseded gradings are counted (grading_count) but not carried. Labels are
-- normalised, values that cannot be true are flagged. Orphan gradings (a history_id with no call) are kept
-- here; the intermediate layer, which may join, sets them aside.
{{ config(materialized='table') }}
-- A table, not a view (the staging exception): ranking every grading is the one costly step of staging,
-- and four scoring models read the result; as a keyed table it is ranked once per run (MariaDB, 1M calls,
-- scripts/bench_pipeline.py: an incremental day took 51.5 s with the view, 27.7 s with the table).

with

source as (
    select
        id,
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
        number_checklist,
        category_checklist,
        call_score,
        scored_by,
        created_at,
        updated_at
    from {{ source('operatorbot', 'call_scores') }}
),

ranked as (
    select
        id,
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
        number_checklist,
        category_checklist,
        call_score,
        scored_by,
        created_at,
        updated_at,
        row_number() over (
            partition by history_id
            order by case when updated_at is null then 1 else 0 end, updated_at desc, id desc
        ) as grading_rank,
        count(*) over (partition by history_id) as grading_count,
        max(
            case when updated_at is null or created_at > updated_at then created_at else updated_at end
        ) over (partition by history_id) as gradings_changed_at
    from source
),

renamed as (
    select
        id as call_score_id,
        history_id,
        call_date,
        case when is_target = 1 then true when is_target = 0 then false end as is_target,
        nullif(lower(trim(outcome)), '') as outcome,
        nullif(lower(trim(refusal_reason)), '') as refusal_reason,
        nullif(lower(trim(call_category)), '') as call_category,
        nullif(lower(trim(call_type)), '') as call_type,
        nullif(lower(trim(context_type)), '') as context_type,
        requested_service_id,
        doctor_id,
        cast(number_checklist as {{ lm_type_int() }}) as checklist_items_done,
        nullif(lower(trim(category_checklist)), '') as checklist_template,
        cast(call_score as {{ lm_type_decimal(6, 2) }}) as call_score,
        nullif(lower(trim(scored_by)), '') as scored_by,
        cast(grading_count as {{ lm_type_int() }}) as grading_count,
        gradings_changed_at,
        created_at,
        updated_at
    from ranked
    where grading_rank = 1
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
        grading_count,
        gradings_changed_at,
        created_at,
        updated_at,
        coalesce(
            coalesce(updated_at, created_at)
            > {{ lm_add_interval(lm_now(), var('lm_future_tolerance_hours'), 'hour') }},
            false
        ) as is_future_grading,
        coalesce(checklist_items_done < 0, false) as has_negative_checklist,
        coalesce(call_score < 0, false) as has_negative_score,
        coalesce(outcome not in ({{ lm_quoted_list(var('lm_outcomes')) }}), false) as is_unknown_outcome
    from renamed
)

select * from final
