{#-
    Dates and timestamps (all without time zone: LM's source times are the clinic's local DATETIME).
    Arguments are date or timestamp typed expressions (cast text with dbt.safe_cast first).
-#}

{#- whole seconds from start to end, signed, truncated toward zero ------------------------------------ -#}
{% macro lm_seconds_between(start_expr, end_expr) %}
    {{ return(adapter.dispatch('lm_seconds_between', 'lm')(start_expr, end_expr)) }}
{% endmacro %}

{% macro mysql__lm_seconds_between(start_expr, end_expr) -%}
    timestampdiff(second, {{ start_expr }}, {{ end_expr }})
{%- endmacro %}

{% macro mariadb__lm_seconds_between(start_expr, end_expr) %}
    {{ return(lm.mysql__lm_seconds_between(start_expr, end_expr)) }}
{% endmacro %}

{# date_sub counts whole elapsed units like TIMESTAMPDIFF; date_diff would count second boundaries crossed. #}
{% macro duckdb__lm_seconds_between(start_expr, end_expr) -%}
    date_sub('second', {{ start_expr }}, {{ end_expr }})
{%- endmacro %}

{#-
    lm_add_interval(expr, amount, unit): timestamp + amount units, unit in second/minute/hour/day.
    amount is any integer SQL expression (a negative one subtracts); a fractional amount is rounded to
    an integer first (half away from zero on both engines), because MySQL would round it per unit.
    The result is a timestamp even for a date input (MySQL's DATE + INTERVAL n DAY would stay a DATE).
-#}
{% macro lm_add_interval(expr, amount, unit) %}
    {{ return(adapter.dispatch('lm_add_interval', 'lm')(expr, amount, unit)) }}
{% endmacro %}

{# The unit check shared by the implementations; returns the unit lowercased, without quotes. #}
{% macro lm_check_interval_unit(unit) %}
    {% set normalized = (unit | string | lower | trim).strip("'\"") %}
    {% if normalized not in ['second', 'minute', 'hour', 'day'] %}
        {{ exceptions.raise_compiler_error("lm_add_interval: unit must be second, minute, hour or day, got " ~ unit) }}
    {% endif %}
    {{ return(normalized) }}
{% endmacro %}

{# TIMESTAMP(x) turns a date into a datetime and keeps a datetime's fractional seconds. #}
{% macro mysql__lm_add_interval(expr, amount, unit) -%}
    {%- set checked_unit = lm.lm_check_interval_unit(unit) -%}
    date_add(timestamp({{ expr }}), interval cast({{ amount }} as signed) {{ checked_unit }})
{%- endmacro %}

{% macro mariadb__lm_add_interval(expr, amount, unit) %}
    {{ return(lm.mysql__lm_add_interval(expr, amount, unit)) }}
{% endmacro %}

{% macro duckdb__lm_add_interval(expr, amount, unit) -%}
    {%- set checked_unit = lm.lm_check_interval_unit(unit) -%}
    (cast({{ expr }} as timestamp) + interval (cast({{ amount }} as bigint)) {{ checked_unit }})
{%- endmacro %}

{#- lm_hour_of(expr): hour of day, 0-23; HOUR() on every engine ------------------------------------------- -#}
{% macro lm_hour_of(expr) -%}
    hour({{ expr }})
{%- endmacro %}

{#- ISO weekday, 1 = Monday .. 7 = Sunday --------------------------------------------------------------- -#}
{% macro lm_iso_weekday(expr) %}{{ return(adapter.dispatch('lm_iso_weekday', 'lm')(expr)) }}{% endmacro %}

{# WEEKDAY() is 0 = Monday; DAYOFWEEK() would be 1 = Sunday. #}
{% macro mysql__lm_iso_weekday(expr) -%}
    (weekday({{ expr }}) + 1)
{%- endmacro %}

{% macro mariadb__lm_iso_weekday(expr) %}{{ return(lm.mysql__lm_iso_weekday(expr)) }}{% endmacro %}

{% macro duckdb__lm_iso_weekday(expr) -%}
    isodow({{ expr }})
{%- endmacro %}

{#- lm_date_of(expr): the date of a timestamp; the same CAST on every engine ----------------------------- -#}
{% macro lm_date_of(expr) -%}
    cast({{ expr }} as date)
{%- endmacro %}

{#-
    lm_now(): the current local timestamp (session time zone), without time zone, whole seconds on both
    engines, the same clock as MySQL's NOW() / CURRENT_TIMESTAMP that fills lm_value.created_at.
-#}
{% macro lm_now() %}{{ return(adapter.dispatch('lm_now', 'lm')()) }}{% endmacro %}

{% macro mysql__lm_now() -%}
    now()
{%- endmacro %}

{% macro mariadb__lm_now() %}{{ return(lm.mysql__lm_now()) }}{% endmacro %}

{# current_timestamp is TIMESTAMPTZ in DuckDB; localtimestamp is the TIMESTAMP in the TimeZone setting. #}
{% macro duckdb__lm_now() -%}
    date_trunc('second', localtimestamp)
{%- endmacro %}
