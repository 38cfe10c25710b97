-- Guards: every lm_value row matches its metric in lm_metric_dictionary: the code exists, the group matches,
-- calc_method is the dictionary's (or one of its |-separated methods, for a learned metric), exactly the
-- value column of the metric's value_type is filled (NULL only where the dictionary allows it), numbers
-- lie in [min_value, max_value], labels are among allowed_labels.
with

metric_values as (
    select
        history_id,
        metric_code,
        metric_group,
        calc_method,
        value_numeric,
        value_label,
        value_json
    from {{ ref('lm_value') }}
),

dictionary as (
    select
        metric_code,
        metric_group,
        value_type,
        min_value,
        max_value,
        allowed_labels,
        is_nullable,
        calc_method
    from {{ ref('lm_metric_dictionary') }}
),

checked as (
    select
        metric_values.history_id,
        metric_values.metric_code,
        case
            when dictionary.metric_code is null then 'metric_code not in the dictionary'
            when metric_values.metric_group <> dictionary.metric_group then 'metric_group differs from the dictionary'
            when
                {{ lm_concat(["'|'", 'dictionary.calc_method', "'|'"]) }}
                not like {{ lm_concat(["'%|'", 'metric_values.calc_method', "'|%'"]) }}
                then 'calc_method not among the dictionary methods'
            when dictionary.value_type = 'numeric' and (
                metric_values.value_label is not null or metric_values.value_json is not null
            ) then 'numeric metric with a label or json value'
            when
                dictionary.value_type = 'numeric'
                and metric_values.value_numeric is null
                and dictionary.is_nullable = 0
                then 'numeric metric without a value'
            when dictionary.value_type = 'numeric' and (
                metric_values.value_numeric < dictionary.min_value
                or metric_values.value_numeric > dictionary.max_value
            ) then 'numeric value out of range'
            when dictionary.value_type = 'label' and (
                metric_values.value_numeric is not null or metric_values.value_json is not null
            ) then 'label metric with a numeric or json value'
            when dictionary.value_type = 'label' and metric_values.value_label is null and dictionary.is_nullable = 0
                then 'label metric without a label'
            when dictionary.value_type = 'label' and coalesce(dictionary.allowed_labels, '') <> '' and {{ lm_concat(
                ["'|'", 'dictionary.allowed_labels', "'|'"]
            ) }} not like {{ lm_concat(["'%|'", 'metric_values.value_label', "'|%'"]) }}
                then 'label not allowed'
            when dictionary.value_type = 'json' and (
                metric_values.value_numeric is not null or metric_values.value_label is not null
            ) then 'json metric with a numeric or label value'
            when dictionary.value_type = 'json' and metric_values.value_json is null and dictionary.is_nullable = 0
                then 'json metric without a value'
        end as problem
    from metric_values
    left join dictionary
        on metric_values.metric_code = dictionary.metric_code
),

final as (
    select
        history_id,
        metric_code,
        problem
    from checked
    where problem is not null
)

select * from final
