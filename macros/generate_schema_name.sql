{#
    A model's custom `schema` config is used verbatim (dbt's default would build `<target.schema>_<custom>`).
    Models without one land in target.schema. lm_value uses this to live next to the client's source
    tables (var lm_value_schema, default var lm_source_schema), where the app's unqualified queries find it.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none or (custom_schema_name | trim) == '' -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
