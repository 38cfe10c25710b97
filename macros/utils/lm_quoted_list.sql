{#- Renders a list of strings as a SQL list of quoted literals: ['a', 'b'] -> 'a', 'b'.
    Single quotes inside a value are doubled, so labels from vars cannot break the SQL. -#}
{% macro lm_quoted_list(values) -%}
    {%- for value in values -%}
        '{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
