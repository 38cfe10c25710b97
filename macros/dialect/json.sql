{#-
    JSON as text. Keys are constants written in the model, restricted to [A-Za-z_][A-Za-z0-9_]* so they
    never need escaping in JSON, in SQL string literals or in JSON paths.
    The text differs in whitespace between engines ({"k": 1, "j": null} on MySQL/MariaDB,
    {"k":1,"j":null} on DuckDB) and may differ in number formatting (1.50 vs 1.5): consumers must parse
    it, never compare the text.
-#}

{# The key check shared by every JSON macro; returns the key. #}
{% macro lm_check_json_key(key) %}
    {% if key is not string or not modules.re.fullmatch('[A-Za-z_][A-Za-z0-9_]*', key) %}
        {{ exceptions.raise_compiler_error("lm json key must match [A-Za-z_][A-Za-z0-9_]*, got " ~ key) }}
    {% endif %}
    {{ return(key) }}
{% endmacro %}

{# The JSON path of a top-level key, as a SQL string literal ('$."key"' works on all three engines). #}
{% macro lm_json_key_path(key) %}
    {{ return("'$.\"" ~ lm.lm_check_json_key(key) ~ "\"'") }}
{% endmacro %}

{#-
    lm_json_object(pairs): pairs is a list of [key, sql_expr] 2-item lists. A JSON object as text, keys in
    the given order, SQL NULL values kept as JSON null. Values should be numbers, strings or booleans
    (dates/timestamps are rendered differently by each engine: format them as text first).
-#}
{% macro lm_json_object(pairs) %}{{ return(adapter.dispatch('lm_json_object', 'lm')(pairs)) }}{% endmacro %}

{# The argument check shared by the implementations: a list of [key, sql_expr], keys valid and distinct. #}
{% macro lm_check_json_pairs(pairs) %}
    {% if pairs is string or pairs is not iterable %}
        {{ exceptions.raise_compiler_error("lm_json_object needs a list of [key, sql_expr] pairs, got " ~ pairs) }}
    {% endif %}
    {% set seen = [] %}
    {% for pair in pairs %}
        {% if pair is string or pair is not iterable or pair | length != 2 %}
            {{ exceptions.raise_compiler_error("lm_json_object: each pair must be [key, sql_expr], got " ~ pair) }}
        {% endif %}
        {% do lm.lm_check_json_key(pair[0]) %}
        {% if pair[0] in seen %}
            {{ exceptions.raise_compiler_error("lm_json_object: duplicate key " ~ pair[0]) }}
        {% endif %}
        {% do seen.append(pair[0]) %}
    {% endfor %}
{% endmacro %}

{#
    Built as text rather than with JSON_OBJECT(): MySQL 8 normalizes JSON objects and sorts their keys
    (MariaDB keeps them in order). Each value is rendered by JSON_ARRAY(v) and read back with
    JSON_EXTRACT(..., '$[0]'), which gives its JSON text: strings quoted and escaped, NULL as null,
    numbers and booleans as JSON literals, and evaluates the expression once.
#}
{% macro mysql__lm_json_object(pairs) -%}
    {%- do lm.lm_check_json_pairs(pairs) -%}
    {%- if pairs | length == 0 -%}
    '{}'
    {%- else -%}
    concat('{',
        {%- for pair in pairs %}
        '{{ '"' ~ pair[0] ~ '": ' }}', json_extract(json_array({{ pair[1] }}), '$[0]'),
        {%- if not loop.last %} ', ',{% endif %}
        {%- endfor %}
        '}')
    {%- endif -%}
{%- endmacro %}

{% macro mariadb__lm_json_object(pairs) %}{{ return(lm.mysql__lm_json_object(pairs)) }}{% endmacro %}

{% macro duckdb__lm_json_object(pairs) -%}
    {%- do lm.lm_check_json_pairs(pairs) -%}
    cast(json_object(
        {%- for pair in pairs %}
        '{{ pair[0] }}', {{ pair[1] }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    ) as varchar)
{%- endmacro %}

{#-
    Reading JSON back. Used by the tests (the lm_json_object round trip and the no-warnings probe in
    tests/macros/), which check what lm_json_object writes by parsing it, never by comparing its text.

    lm_json_extract_number(json_expr, key): a top-level JSON number as a double; NULL if missing, null or
    not a number.
-#}
{% macro lm_json_extract_number(json_expr, key) %}
    {{ return(adapter.dispatch('lm_json_extract_number', 'lm')(json_expr, key)) }}
{% endmacro %}

{# JSON_TYPE names: MySQL 8 INTEGER, UNSIGNED INTEGER, DOUBLE, DECIMAL; MariaDB INTEGER, DOUBLE. #}
{% macro mysql__lm_json_extract_number(json_expr, key) -%}
    {%- set value = 'json_extract(' ~ json_expr ~ ', ' ~ lm.lm_json_key_path(key) ~ ')' -%}
    (case
        when json_type({{ value }}) in ('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL')
            then cast(json_unquote({{ value }}) as {{ lm.lm_type_float() }})
    end)
{%- endmacro %}

{% macro mariadb__lm_json_extract_number(json_expr, key) %}
    {{ return(lm.mysql__lm_json_extract_number(json_expr, key)) }}
{% endmacro %}

{% macro duckdb__lm_json_extract_number(json_expr, key) -%}
    {%- set path = lm.lm_json_key_path(key) -%}
    (case
        when json_type({{ json_expr }}, {{ path }}) in ('BIGINT', 'UBIGINT', 'HUGEINT', 'UHUGEINT', 'DOUBLE')
            then cast(json_extract_string({{ json_expr }}, {{ path }}) as double)
    end)
{%- endmacro %}

{#-
    lm_json_extract_string(json_expr, key): a top-level JSON string, unquoted; NULL if missing or null.
    Other values come back as their JSON text (formatting of numbers and nested values may differ).
-#}
{% macro lm_json_extract_string(json_expr, key) %}
    {{ return(adapter.dispatch('lm_json_extract_string', 'lm')(json_expr, key)) }}
{% endmacro %}

{#
    JSON_UNQUOTE of a JSON null is the text 'null': exclude it. JSON_TYPE of a JSON null is 'NULL' on
    MySQL 8 and SQL NULL on MariaDB; either way the comparison is not true.
#}
{% macro mysql__lm_json_extract_string(json_expr, key) -%}
    {%- set value = 'json_extract(' ~ json_expr ~ ', ' ~ lm.lm_json_key_path(key) ~ ')' -%}
    (case when json_type({{ value }}) <> 'NULL' then json_unquote({{ value }}) end)
{%- endmacro %}

{% macro mariadb__lm_json_extract_string(json_expr, key) %}
    {{ return(lm.mysql__lm_json_extract_string(json_expr, key)) }}
{% endmacro %}

{% macro duckdb__lm_json_extract_string(json_expr, key) -%}
    json_extract_string({{ json_expr }}, {{ lm.lm_json_key_path(key) }})
{%- endmacro %}
