{#- Renders a list of strings as a SQL list of quoted literals: ['a', 'b'] -> 'a', 'b'.
    Each value is quoted by lm_sql_string (the one quoting rule of the project, per engine), so labels from
    vars cannot break the SQL. -#}
{% macro lm_quoted_list(values) -%}
    {%- for value in values -%}
        {{ lm_sql_string(value) }}{{ ", " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
