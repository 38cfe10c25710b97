{#-
    Unpivots one wide metric relation (one row per call, one column per metric) into lm_value rows:
    one `select` per metric, glued with `union all`. Numeric metrics fill value_numeric (DECIMAL(10,4)),
    label metrics value_label, json metrics value_json; the other two value columns stay NULL.
    metric_group and calc_method come from the dictionary relation (joined on the literal code, so a
    code missing from the dictionary yields no rows and fails the complete-set test).
    lm_version is var lm_version, unless version_column names the relation's column that holds it (the
    forecast metrics carry their model's version); calc_method is the dictionary's, unless method_columns
    maps the metric code to the relation's column that holds it (the model kind that won for the metric).
        {{ lm_metric_rows('operational', 'dictionary', numeric=['response_speed_score']) }}
-#}
{% macro lm_metric_rows(relation, dictionary, numeric=[], labels=[], json=[], version_column=none, method_columns={}) -%}
    {%- set branches = [] -%}
    {%- for code in numeric -%}
        {%- do branches.append((code, 'cast(' ~ relation ~ '.' ~ code ~ ' as ' ~ lm_type_decimal(10, 4) ~ ')', 'null', 'null')) -%}
    {%- endfor -%}
    {%- for code in labels -%}
        {%- do branches.append((code, 'null', relation ~ '.' ~ code, 'null')) -%}
    {%- endfor -%}
    {%- for code in json -%}
        {%- do branches.append((code, 'null', 'null', relation ~ '.' ~ code)) -%}
    {%- endfor -%}
    {%- for code, numeric_expr, label_expr, json_expr in branches %}
    select
        {{ relation }}.history_id,
        {{ relation }}.call_score_id,
        {{ dictionary }}.metric_code,
        {{ dictionary }}.metric_group,
        {{ numeric_expr if numeric_expr != 'null' else 'cast(null as ' ~ lm_type_decimal(10, 4) ~ ')' }} as value_numeric,
        cast({{ label_expr }} as {{ lm_type_string() }}(255)) as value_label,
        cast({{ json_expr }} as {{ lm_type_string() }}) as value_json,
        {{ relation ~ '.' ~ version_column if version_column else lm_sql_string(lm_var('lm_version')) }} as lm_version,
        {{ relation ~ '.' ~ method_columns[code] if code in method_columns else dictionary ~ '.calc_method' }} as calc_method,
        {{ lm_sql_string(lm_var('lm_calc_source')) }} as calc_source
    from {{ relation }}
    inner join {{ dictionary }}
        on {{ dictionary }}.metric_code = '{{ code }}'
    {{ 'union all' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
