-- Conversion metrics of each scoped call, all at call time (nothing the caller did later is read):
-- conversion_score, lost_opportunity_score, cross_sell_potential. Prices from seeds lm_service_catalogue /
-- lm_service_categories, loss weights from lm_refusal_reasons, weights from int_calc_params. A grading with
-- is_target NULL is scored on its outcome for conversion but claims no lost opportunity (unknown target
-- status is not a loss). A missed or abandoned inbound call carries an expected loss (is_expected_loss):
-- missed_target_share x missed_typical_price x (1 - missed_recovery_share) - expected, not observed.
with

calls as (
    select
        history_id,
        call_score_id,
        is_answered,
        is_inbound,
        call_status,
        is_graded,
        is_target,
        outcome,
        refusal_reason,
        requested_service_id
    from {{ ref('int_calls_enriched') }}
),

params as (
    select
        conversion_weight_callback,
        conversion_weight_no_record,
        conversion_weight_refusal,
        conversion_weight_info_only,
        conversion_weight_other,
        default_service_price,
        missed_target_share,
        missed_typical_price,
        missed_recovery_share,
        lost_opportunity_unit,
        loss_factor_callback,
        default_loss_weight,
        default_cross_sell_base,
        cross_sell_booked_factor,
        cross_sell_not_booked_factor
    from {{ ref('int_calc_params') }}
),

services as (
    select
        service_id,
        service_category,
        price
    from {{ ref('lm_service_catalogue') }}
),

service_categories as (
    select
        service_category,
        default_price,
        cross_sell_base
    from {{ ref('lm_service_categories') }}
),

refusal_reasons as (
    select
        refusal_reason,
        loss_weight
    from {{ ref('lm_refusal_reasons') }}
),

inputs as (
    select
        calls.history_id,
        calls.call_score_id,
        calls.is_answered,
        calls.is_graded,
        calls.is_target,
        calls.outcome,
        calls.is_inbound and calls.call_status in ('missed', 'abandoned') as is_lost_inbound,
        coalesce(services.price, service_categories.default_price, params.default_service_price) as service_price,
        coalesce(refusal_reasons.loss_weight, params.default_loss_weight) as loss_weight,
        coalesce(service_categories.cross_sell_base, params.default_cross_sell_base) as cross_sell_base,
        params.conversion_weight_callback,
        params.conversion_weight_no_record,
        params.conversion_weight_refusal,
        params.conversion_weight_info_only,
        params.conversion_weight_other,
        params.missed_target_share,
        params.missed_typical_price,
        params.missed_recovery_share,
        params.lost_opportunity_unit,
        params.loss_factor_callback,
        params.cross_sell_booked_factor,
        params.cross_sell_not_booked_factor
    from calls
    cross join params
    left join services
        on calls.requested_service_id = services.service_id
    left join service_categories
        on services.service_category = service_categories.service_category
    left join refusal_reasons
        on calls.refusal_reason = refusal_reasons.refusal_reason
),

scored as (
    select
        history_id,
        call_score_id,
        case
            when outcome = 'record' then 1
            when is_graded and is_target = false then 0
            when is_graded and outcome = 'callback' then conversion_weight_callback
            when is_graded and outcome = 'no_record' then conversion_weight_no_record
            when is_graded and outcome = 'refusal' then conversion_weight_refusal
            when is_graded and outcome = 'info_only' then conversion_weight_info_only
            when is_answered then conversion_weight_other
            else 0
        end as own_conversion,
        case
            when is_lost_inbound
                then {{ lm_safe_divide(
                    "missed_target_share * missed_typical_price * (1 - missed_recovery_share)",
                    "lost_opportunity_unit"
                ) }}
            when not is_graded or not coalesce(is_target, false) or outcome = 'record' then 0
            when outcome = 'callback'
                then {{ lm_safe_divide("service_price * loss_weight * loss_factor_callback", "lost_opportunity_unit") }}
            else {{ lm_safe_divide("service_price * loss_weight", "lost_opportunity_unit") }}
        end as lost_opportunity_raw,
        case
            when not is_answered then 0
            when outcome = 'record' then cross_sell_base * cross_sell_booked_factor
            else cross_sell_base * cross_sell_not_booked_factor
        end as cross_sell_raw,
        coalesce(is_lost_inbound, false) as is_expected_loss
    from inputs
),

final as (
    select
        history_id,
        call_score_id,
        round(own_conversion, 4) as conversion_score,
        round({{ lm_clamp('lost_opportunity_raw', 0, lm_var('lm_value_max')) }}, 4) as lost_opportunity_score,
        coalesce(lost_opportunity_raw > {{ lm_var('lm_value_max') }}, false) as is_lost_opportunity_clamped,
        is_expected_loss,
        round({{ lm_clamp('cross_sell_raw', 0, 1) }}, 4) as cross_sell_potential
    from scored
)

select * from final
