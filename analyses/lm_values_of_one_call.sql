-- All LM values of one call, with the metric's title and unit from the dictionary.
-- dbt compile --select analysis:lm_values_of_one_call --vars '{history_id: 123}' then run
-- target/compiled/lm/analyses/lm_values_of_one_call.sql on the warehouse.
with

metric_values as (
    select
        history_id,
        call_score_id,
        metric_code,
        metric_group,
        value_numeric,
        value_label,
        value_json,
        lm_version,
        calc_method,
        calc_source,
        created_at,
        updated_at
    from {{ ref('lm_value') }}
    where history_id = {{ var('history_id', 123) | int }}
),

dictionary as (
    select
        metric_code,
        title_ru,
        unit,
        sort_order
    from {{ ref('lm_metric_dictionary') }}
),

final as (
    select
        metric_values.history_id,
        metric_values.metric_group,
        metric_values.metric_code,
        dictionary.title_ru,
        dictionary.unit,
        metric_values.value_numeric,
        metric_values.value_label,
        metric_values.value_json,
        metric_values.call_score_id,
        metric_values.lm_version,
        metric_values.calc_method,
        metric_values.calc_source,
        metric_values.created_at,
        metric_values.updated_at
    from metric_values
    left join dictionary
        on metric_values.metric_code = dictionary.metric_code
)

select * from final
order by metric_group, metric_code
