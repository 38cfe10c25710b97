{#- Booleans and NULL-safe comparison. -#}

{#-
    lm_bool_to_int(expr): 1 for true, 0 for false, NULL stays NULL. Accepts a boolean or an integer flag
    (TINYINT(1) on MySQL, TINYINT/BOOLEAN on DuckDB): any non-zero integer is true.
-#}
{% macro lm_bool_to_int(expr) %}{{ return(adapter.dispatch('lm_bool_to_int', 'lm')(expr)) }}{% endmacro %}

{# MySQL booleans are integers: a non-zero value is true in WHEN. #}
{% macro mysql__lm_bool_to_int(expr) -%}
    (case when ({{ expr }}) then 1 when not ({{ expr }}) then 0 end)
{%- endmacro %}

{% macro mariadb__lm_bool_to_int(expr) %}{{ return(lm.mysql__lm_bool_to_int(expr)) }}{% endmacro %}

{# CASE WHEN needs a boolean in DuckDB: cast integer flags (non-zero -> true). #}
{% macro duckdb__lm_bool_to_int(expr) -%}
    (case when cast({{ expr }} as boolean) then 1 when not cast({{ expr }} as boolean) then 0 end)
{%- endmacro %}

{#-
    lm_is_distinct_from(left_expr, right_expr): true when the values differ, treating NULL as a value
    (NULL vs NULL is not distinct, NULL vs 1 is). Never NULL. The comparison of lm_known_values, the
    helper every test in tests/macros/ is built from.
-#}
{% macro lm_is_distinct_from(left_expr, right_expr) %}
    {{ return(adapter.dispatch('lm_is_distinct_from', 'lm')(left_expr, right_expr)) }}
{% endmacro %}

{# MySQL 8 and MariaDB have no IS DISTINCT FROM; <=> is their NULL-safe equality. #}
{% macro mysql__lm_is_distinct_from(left_expr, right_expr) -%}
    (not (({{ left_expr }}) <=> ({{ right_expr }})))
{%- endmacro %}

{% macro mariadb__lm_is_distinct_from(left_expr, right_expr) %}
    {{ return(lm.mysql__lm_is_distinct_from(left_expr, right_expr)) }}
{% endmacro %}

{% macro duckdb__lm_is_distinct_from(left_expr, right_expr) -%}
    (({{ left_expr }}) is distinct from ({{ right_expr }}))
{%- endmacro %}

{#-
    lm_text_is_distinct_from(left_expr, right_expr): lm_is_distinct_from for text, byte for byte. MySQL and
    MariaDB compare strings by collation: case-insensitive, trailing spaces ignored (PAD SPACE), and with
    MySQL 8's utf8mb4_0900_ai_ci accent-insensitive, so 'a' = 'A ' there; DuckDB compares bytes. Used by
    lm_known_values wherever a change of case or spacing must count.
-#}
{% macro lm_text_is_distinct_from(left_expr, right_expr) %}
    {{ return(adapter.dispatch('lm_text_is_distinct_from', 'lm')(left_expr, right_expr)) }}
{% endmacro %}

{% macro mysql__lm_text_is_distinct_from(left_expr, right_expr) -%}
    (not (cast({{ left_expr }} as binary) <=> cast({{ right_expr }} as binary)))
{%- endmacro %}

{% macro mariadb__lm_text_is_distinct_from(left_expr, right_expr) %}
    {{ return(lm.mysql__lm_text_is_distinct_from(left_expr, right_expr)) }}
{% endmacro %}

{% macro duckdb__lm_text_is_distinct_from(left_expr, right_expr) -%}
    (({{ left_expr }}) is distinct from ({{ right_expr }}))
{%- endmacro %}
