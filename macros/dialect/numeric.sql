{#- Arithmetic that behaves the same on every engine. -#}

{#-
    lm_safe_divide(numerator, denominator): float division; NULL when the denominator is 0 or NULL.
    MySQL's x / 0 is NULL with warning 1365, which strict mode (ERROR_FOR_DIVISION_BY_ZERO) turns into
    an error inside INSERT ... SELECT; NULLIF avoids the division altogether. Casting both sides to double
    also avoids MySQL's DECIMAL division (1 / 3 = 0.3333 with div_precision_increment = 4).
-#}
{% macro lm_safe_divide(numerator, denominator) %}
    {{ return(adapter.dispatch('lm_safe_divide', 'lm')(numerator, denominator)) }}
{% endmacro %}

{% macro default__lm_safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ lm.lm_type_float() }}) / nullif(cast({{ denominator }} as {{ lm.lm_type_float() }}), 0))
{%- endmacro %}

{% macro mysql__lm_safe_divide(numerator, denominator) -%}
    {{ lm.default__lm_safe_divide(numerator, denominator) }}
{%- endmacro %}

{% macro duckdb__lm_safe_divide(numerator, denominator) -%}
    {{ lm.default__lm_safe_divide(numerator, denominator) }}
{%- endmacro %}

{% macro mariadb__lm_safe_divide(numerator, denominator) %}
    {{ return(lm.mysql__lm_safe_divide(numerator, denominator)) }}
{% endmacro %}

{% macro mysql5__lm_safe_divide(numerator, denominator) %}
    {{ return(lm.mysql__lm_safe_divide(numerator, denominator)) }}
{% endmacro %}

{#-
    lm_clamp(expr, low, high): expr limited to [low, high]. NULL stays NULL; a NULL bound means no bound on
    that side. A CASE, not GREATEST/LEAST: MySQL's return NULL if any argument is NULL, DuckDB's skip NULLs.
-#}
{% macro lm_clamp(expr, low, high) %}
    {{ return(adapter.dispatch('lm_clamp', 'lm')(expr, low, high)) }}
{% endmacro %}

{% macro default__lm_clamp(expr, low, high) -%}
    (case
        when ({{ expr }}) is null then null
        when ({{ expr }}) < ({{ low }}) then ({{ low }})
        when ({{ expr }}) > ({{ high }}) then ({{ high }})
        else ({{ expr }})
    end)
{%- endmacro %}

{% macro mysql__lm_clamp(expr, low, high) -%}
    {{ lm.default__lm_clamp(expr, low, high) }}
{%- endmacro %}

{% macro duckdb__lm_clamp(expr, low, high) -%}
    {{ lm.default__lm_clamp(expr, low, high) }}
{%- endmacro %}

{% macro mariadb__lm_clamp(expr, low, high) %}{{ return(lm.mysql__lm_clamp(expr, low, high)) }}{% endmacro %}

{% macro mysql5__lm_clamp(expr, low, high) %}{{ return(lm.mysql__lm_clamp(expr, low, high)) }}{% endmacro %}
