-- One row per grading of call_scores, as the source holds it: labels normalised, values that cannot be
-- true flagged. Which grading counts for a call (the latest) is decided in int_call_scores_latest; orphan
-- gradings (a history_id with no call) are kept here and set aside in the intermediate layer.

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
        created_at,
        updated_at
    from source
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
        created_at,
        updated_at,
        coalesce(
            coalesce(updated_at, created_at)
            > {{ lm_add_interval(lm_now(), lm_var('lm_future_tolerance_hours'), 'hour') }},
            false
        ) as is_future_grading,
        coalesce(checklist_items_done < 0, false) as has_negative_checklist,
        coalesce(call_score < 0, false) as has_negative_score,
        coalesce(outcome not in ({{ lm_quoted_list(lm_var('lm_outcomes')) }}), false) as is_unknown_outcome
    from renamed
)

select * from final
