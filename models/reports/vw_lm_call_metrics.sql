-- What BI reads per call: one row per scored call per numeric or label metric, with the call's date,
-- hour, operator and channel and the metric's Russian title and unit. No JSON, no personal data.
with

metric_values as (
    select
        history_id,
        metric_code,
        metric_group,
        value_numeric,
        value_label,
        lm_version
    from {{ ref('lm_value') }}
),

dictionary as (
    select
        metric_code,
        value_type,
        unit,
        title_ru
    from {{ ref('lm_metric_dictionary') }}
),

calls as (
    select
        history_id,
        call_date,
        call_started_at,
        operator_id,
        channel,
        direction,
        call_status
    from {{ ref('stg_operatorbot__call_history') }}
),

final as (
    select
        metric_values.history_id,
        calls.call_date,
        {{ lm_hour_of('calls.call_started_at') }} as call_hour,
        {{ lm_iso_weekday('calls.call_started_at') }} as call_weekday,
        calls.operator_id,
        calls.channel,
        calls.direction,
        calls.call_status,
        metric_values.metric_group,
        metric_values.metric_code,
        dictionary.title_ru as metric_title_ru,
        dictionary.unit as metric_unit,
        metric_values.value_numeric,
        metric_values.value_label,
        metric_values.lm_version
    from metric_values
    inner join dictionary
        on metric_values.metric_code = dictionary.metric_code
    inner join calls
        on metric_values.history_id = calls.history_id
    where dictionary.value_type in ('numeric', 'label')
)

select * from final
