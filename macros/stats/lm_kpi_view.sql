{#-
    The whole query of a KPI view over fct_calls: one row per call date (and hour, when by_hour) per
    dimension ('all', 'channel', 'operator') per member (dimension_value: 'all', the channel, the operator
    id; '(none)' when missing), with lm_kpi_columns().
-#}
{% macro lm_kpi_view(by_hour=false) %}
{%- set string_type = lm_type_string() %}
with

facts as (
    select
        call_date,
        call_hour,
        operator_id,
        channel,
        call_status,
        is_inbound,
        is_answered,
        await_sec,
        handle_sec,
        is_answered_in_sl,
        is_short_abandon,
        is_lost,
        is_repeat_call,
        is_target,
        is_booked,
        is_attributed_booked,
        lost_opportunity_score,
        queue_impact_index
    from {{ ref('fct_calls') }}
),

dimensions as (
    select 'all' as dimension
    union all
    select 'channel' as dimension
    union all
    select 'operator' as dimension
),

sliced as (
    select
        facts.*,
        dimensions.dimension,
        case dimensions.dimension
            when 'all' then 'all'
            when 'channel' then coalesce(facts.channel, '(none)')
            else coalesce(cast(facts.operator_id as {{ string_type }}), '(none)')
        end as dimension_value
    from facts
    cross join dimensions
),

final as (
    select
        call_date,
        {%- if by_hour %}
        call_hour,
        {%- endif %}
        dimension,
        dimension_value,
        {{ lm_kpi_columns() }}
    from sliced
    group by call_date, {% if by_hour %}call_hour, {% endif %}dimension, dimension_value
)

select * from final
{%- endmacro %}
