{#-
    The contact-centre KPI columns of vw_lm_kpi_daily and vw_lm_kpi_hourly, aggregates over fct_calls rows
    (the definitions, with their standards, are in models/reports/_reports__models.yml). Counts and sums are
    additive (a BI tool re-aggregates them); rates are computed from them here.
-#}
{% macro lm_kpi_columns() %}
        sum({{ lm_bool_to_int('is_inbound') }}) as calls_offered,
        sum({{ lm_bool_to_int('is_inbound and is_answered') }}) as calls_answered,
        sum({{ lm_bool_to_int("is_inbound and call_status = 'abandoned'") }}) as calls_abandoned,
        sum({{ lm_bool_to_int("is_inbound and call_status = 'missed'") }}) as calls_missed,
        sum({{ lm_bool_to_int("is_inbound and call_status = 'busy'") }}) as calls_busy,
        sum({{ lm_bool_to_int("is_inbound and call_status = 'failed'") }}) as calls_failed,
        sum({{ lm_bool_to_int('is_short_abandon') }}) as short_abandons,
        sum({{ lm_bool_to_int('is_lost') }}) as calls_lost,
        sum({{ lm_bool_to_int('is_answered_in_sl') }}) as answered_in_sl,
        sum({{ lm_bool_to_int('not is_inbound') }}) as calls_outbound,
        {{ lm_safe_divide(
            'sum(' ~ lm_bool_to_int('is_answered_in_sl') ~ ')',
            'sum(' ~ lm_bool_to_int('is_inbound and is_answered') ~ ') + sum(' ~ lm_bool_to_int('is_lost') ~ ')',
        ) }} as service_level,
        avg(case when is_inbound and is_answered then await_sec end) as asa_sec,
        {{ lm_safe_divide(
            'sum(' ~ lm_bool_to_int('is_lost') ~ ')',
            'sum(' ~ lm_bool_to_int('is_inbound and is_answered') ~ ') + sum(' ~ lm_bool_to_int('is_lost') ~ ')',
        ) }} as abandonment_rate,
        avg(case when is_inbound and is_answered then handle_sec end) as aht_sec,
        sum({{ lm_bool_to_int('is_inbound and is_repeat_call') }}) as repeat_calls,
        {{ lm_safe_divide(
            'sum(' ~ lm_bool_to_int('is_inbound and is_repeat_call') ~ ')',
            'sum(' ~ lm_bool_to_int('is_inbound') ~ ')',
        ) }} as repeat_call_rate,
        sum({{ lm_bool_to_int('is_target') }}) as target_calls,
        sum({{ lm_bool_to_int('is_target and is_booked') }}) as booked_target_calls,
        sum({{ lm_bool_to_int('is_attributed_booked') }}) as attributed_booked_calls,
        {{ lm_safe_divide(
            'sum(' ~ lm_bool_to_int('is_target and is_booked') ~ ')', 'sum(' ~ lm_bool_to_int('is_target') ~ ')'
        ) }} as conversion_rate,
        {{ lm_safe_divide(
            'sum(' ~ lm_bool_to_int('is_attributed_booked') ~ ')', 'sum(' ~ lm_bool_to_int('is_target') ~ ')'
        ) }} as attributed_conversion_rate,
        sum(case when is_lost then lost_opportunity_score else 0 end) as lost_calls_value_k,
        sum(queue_impact_index) as offered_workload_min
{%- endmacro %}
