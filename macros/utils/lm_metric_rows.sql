{#-
    Unpivots one wide metric relation (one row per call, one column per metric) into lm_value rows:
    one `select` per metric, glued with `union all`. Numeric metrics fill value_numeric (DECIMAL(10,4)),
    label metrics value_label, json metrics value_json; the other two value columns stay NULL.
        {{ lm_metric_rows('operational', numeric=['response_speed_score', 'queue_impact_index']) }}
-#}
{% macro lm_metric_rows(relation, numeric=[], labels=[], json=[]) -%}
    {%- set branches = [] -%}
    {%- for code in numeric -%}
        {%- do branches.append((code, 'cast(' ~ code ~ ' as ' ~ lm_type_decimal(10, 4) ~ ')', 'null', 'null')) -%}
    {%- endfor -%}
    {%- for code in labels -%}
        {%- do branches.append((code, 'null', code, 'null')) -%}
    {%- endfor -%}
    {%- for code in json -%}
        {%- do branches.append((code, 'null', 'null', code)) -%}
    {%- endfor -%}
    {%- for code, numeric_expr, label_expr, json_expr in branches %}
    select
        history_id,
        call_score_id,
        '{{ code }}' as metric_code,
        {{ numeric_expr if numeric_expr != 'null' else 'cast(null as ' ~ lm_type_decimal(10, 4) ~ ')' }} as value_numeric,
        cast({{ label_expr }} as {{ lm_type_string() }}(255)) as value_label,
        cast({{ json_expr }} as {{ lm_type_string() }}) as value_json
    from {{ relation }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
