-- Quality metrics of each scoped call: checklist_coverage_ratio, normalized_call_score,
-- script_risk_index. Checklist templates from seed lm_checklist_template_items (items counted in script
-- order), grader scales and calibration offsets from int_grader_scales (a seed override, else the fit of
-- `lm calibrate`, else the seed's prior: exact grader, its family pattern such as qa:*, the default row;
-- a grading without a grader takes the 'default' row). A score outside its grader's scale (above
-- scale_max, below scale_min) is clamped by the 0..1 range and flagged (is_score_out_of_scale);
-- is_default_scale is set only when a score was normalized with the default row.
-- script_risk_index (graded answered calls only, else NULL): the weighted mean of the components that are
-- known - missed checklist share, score shortfall, a hard context, a talk far off its norm (from
-- int_metrics_operational) - so a missing checklist or score neither counts as risk nor as safety.
with

calls as (
    select
        history_id,
        call_score_id,
        is_answered,
        is_graded,
        await_sec,
        call_category,
        call_type,
        checklist_items_done,
        checklist_template,
        call_score,
        scored_by,
        previous_call_gap_hours
    from {{ ref('int_calls_enriched') }}
),

params as (
    select
        default_checklist_items,
        sla_zero_score_sec,
        script_risk_w_checklist,
        script_risk_w_score,
        script_risk_w_context,
        script_risk_w_overrun,
        script_risk_overrun_below
    from {{ ref('int_calc_params') }}
),

operational as (
    select
        history_id,
        talk_time_efficiency
    from {{ ref('int_metrics_operational') }}
),

template_items as (
    select
        checklist_template,
        item_position,
        weight
    from {{ ref('lm_checklist_template_items') }}
),

template_steps as (
    select
        checklist_template,
        item_position as items_done,
        count(*) over (partition by checklist_template) as item_count,
        sum(weight) over (
            partition by checklist_template
            order by item_position
            rows between unbounded preceding and current row
        ) / sum(weight) over (partition by checklist_template) as coverage
    from template_items
),

template_sizes as (
    select distinct
        checklist_template,
        item_count
    from template_steps
),

grader_scales as (
    select
        grader_code,
        scale_min,
        scale_max,
        calibration_offset,
        is_default_scale
    from {{ ref('int_grader_scales') }}
),

checklist as (
    select
        calls.history_id,
        template_sizes.item_count,
        case
            when not calls.is_graded or calls.checklist_items_done is null or calls.checklist_items_done < 0
                then null
            when calls.checklist_items_done = 0 then 0
            when template_sizes.item_count is null
                then {{ lm_clamp(
                    lm_safe_divide('calls.checklist_items_done', 'params.default_checklist_items'), 0, 1
                ) }}
            else template_steps.coverage
        end as checklist_coverage_ratio,
        coalesce(
            calls.checklist_items_done > coalesce(template_sizes.item_count, params.default_checklist_items),
            false
        ) as is_checklist_capped
    from calls
    cross join params
    left join template_sizes
        on calls.checklist_template = template_sizes.checklist_template
    left join template_steps
        on
            calls.checklist_template = template_steps.checklist_template
            and template_steps.items_done = case
                when calls.checklist_items_done > template_sizes.item_count then template_sizes.item_count
                else calls.checklist_items_done
            end
),

grading_scales as (
    select
        calls.history_id,
        coalesce(grader_scale.scale_min, default_scale.scale_min) as scale_min,
        coalesce(grader_scale.scale_max, default_scale.scale_max) as scale_max,
        coalesce(grader_scale.calibration_offset, default_scale.calibration_offset) as calibration_offset,
        coalesce(grader_scale.is_default_scale, default_scale.is_default_scale) as is_default_scale
    from calls
    left join grader_scales as grader_scale
        on calls.scored_by = grader_scale.grader_code
    left join grader_scales as default_scale
        on default_scale.grader_code = 'default'
),

normalized as (
    select
        calls.history_id,
        calls.call_score_id,
        calls.is_answered,
        calls.is_graded,
        calls.await_sec,
        calls.call_category,
        calls.call_type,
        calls.previous_call_gap_hours,
        checklist.checklist_coverage_ratio,
        checklist.is_checklist_capped,
        coalesce(
            calls.is_graded and calls.call_score is not null and grading_scales.is_default_scale, false
        ) as is_default_scale,
        coalesce(
            calls.call_score < grading_scales.scale_min or calls.call_score > grading_scales.scale_max,
            false
        ) as is_score_out_of_scale,
        case
            when not calls.is_graded or calls.call_score is null then null
            else {{ lm_clamp(
                lm_safe_divide('calls.call_score - grading_scales.scale_min',
                               'grading_scales.scale_max - grading_scales.scale_min')
                ~ ' - grading_scales.calibration_offset',
                0, 1
            ) }}
        end as normalized_call_score
    from calls
    inner join checklist
        on calls.history_id = checklist.history_id
    inner join grading_scales
        on calls.history_id = grading_scales.history_id
),

components as (
    select
        normalized.history_id,
        normalized.call_score_id,
        normalized.checklist_coverage_ratio,
        normalized.normalized_call_score,
        normalized.is_checklist_capped,
        normalized.is_default_scale,
        normalized.is_score_out_of_scale,
        normalized.is_graded and normalized.is_answered as is_script_scored,
        1 - normalized.checklist_coverage_ratio as missed_checklist_share,
        1 - normalized.normalized_call_score as score_shortfall,
        case
            when
                normalized.call_category = 'complaint'
                or normalized.call_type = 'repeat'
                or normalized.previous_call_gap_hours is not null
                or coalesce(normalized.await_sec >= params.sla_zero_score_sec, false)
                then 1
            else 0
        end as is_hard_context,
        case
            when operational.talk_time_efficiency is null then null
            when operational.talk_time_efficiency < params.script_risk_overrun_below then 1
            else 0
        end as is_talk_off_norm,
        params.script_risk_w_checklist,
        params.script_risk_w_score,
        params.script_risk_w_context,
        params.script_risk_w_overrun
    from normalized
    cross join params
    left join operational
        on normalized.history_id = operational.history_id
),

risk as (
    select
        history_id,
        call_score_id,
        checklist_coverage_ratio,
        normalized_call_score,
        is_checklist_capped,
        is_default_scale,
        is_score_out_of_scale,
        case
            when is_script_scored
                then {{ lm_safe_divide(
                    "coalesce(script_risk_w_checklist * missed_checklist_share, 0)"
                    ~ " + coalesce(script_risk_w_score * score_shortfall, 0)"
                    ~ " + script_risk_w_context * is_hard_context"
                    ~ " + coalesce(script_risk_w_overrun * is_talk_off_norm, 0)",
                    "case when missed_checklist_share is null then 0 else script_risk_w_checklist end"
                    ~ " + case when score_shortfall is null then 0 else script_risk_w_score end"
                    ~ " + script_risk_w_context"
                    ~ " + case when is_talk_off_norm is null then 0 else script_risk_w_overrun end"
                ) }}
        end as script_risk_raw
    from components
),

final as (
    select
        history_id,
        call_score_id,
        round(checklist_coverage_ratio, 4) as checklist_coverage_ratio,
        round(normalized_call_score, 4) as normalized_call_score,
        round({{ lm_clamp('script_risk_raw', 0, 1) }}, 4) as script_risk_index,
        is_checklist_capped,
        is_default_scale,
        is_score_out_of_scale
    from risk
)

select * from final
