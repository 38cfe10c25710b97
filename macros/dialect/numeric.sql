{#- Arithmetic that behaves the same on every engine: plain macros, one SQL for all. -#}

{#-
    lm_safe_divide(numerator, denominator): float division; NULL when the denominator is 0 or NULL.
    MySQL's x / 0 is NULL with warning 1365, which strict mode (ERROR_FOR_DIVISION_BY_ZERO) turns into
    an error inside INSERT ... SELECT; NULLIF avoids the division altogether. Casting both sides to double
    also avoids MySQL's DECIMAL division (1 / 3 = 0.3333 with div_precision_increment = 4).
-#}
{% macro lm_safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ lm.lm_type_float() }}) / nullif(cast({{ denominator }} as {{ lm.lm_type_float() }}), 0))
{%- endmacro %}

{#-
    lm_clamp(expr, low, high): expr limited to [low, high]. NULL stays NULL; a NULL bound means no bound on
    that side. A CASE, not GREATEST/LEAST: MySQL's return NULL if any argument is NULL, DuckDB's skip NULLs.
-#}
{% macro lm_clamp(expr, low, high) -%}
    (case
        when ({{ expr }}) is null then null
        when ({{ expr }}) < ({{ low }}) then ({{ low }})
        when ({{ expr }}) > ({{ high }}) then ({{ high }})
        else ({{ expr }})
    end)
{%- endmacro %}
