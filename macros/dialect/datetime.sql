{#-
    Dates and timestamps (all without time zone: LM's source times are the clinic's local DATETIME).
    Arguments are date or timestamp typed expressions (cast text with lm_try_cast_timestamp first).
-#}

{#- whole seconds from start to end, signed, truncated toward zero ------------------------------------ -#}
{% macro lm_seconds_between(start_expr, end_expr) %}
    {{ return(adapter.dispatch('lm_seconds_between', 'lm')(start_expr, end_expr)) }}
{% endmacro %}

{% macro default__lm_seconds_between(start_expr, end_expr) %}
    {{ exceptions.raise_compiler_error("lm_seconds_between has no implementation for adapter type " ~ target.type) }}
{% endmacro %}

{% macro mysql__lm_seconds_between(start_expr, end_expr) -%}
    timestampdiff(second, {{ start_expr }}, {{ end_expr }})
{%- endmacro %}

{# date_sub counts whole elapsed units like TIMESTAMPDIFF; date_diff would count second boundaries crossed. #}
{% macro duckdb__lm_seconds_between(start_expr, end_expr) -%}
    date_sub('second', {{ start_expr }}, {{ end_expr }})
{%- endmacro %}

{% macro mariadb__lm_seconds_between(start_expr, end_expr) %}
    {{ return(lm.mysql__lm_seconds_between(start_expr, end_expr)) }}
{% endmacro %}

{% macro mysql5__lm_seconds_between(start_expr, end_expr) %}
    {{ return(lm.mysql__lm_seconds_between(start_expr, end_expr)) }}
{% endmacro %}

{#- calendar days between the dates of start and end, signed --------------------------------------------- -#}
{% macro lm_days_between(start_expr, end_expr) %}
    {{ return(adapter.dispatch('lm_days_between', 'lm')(start_expr, end_expr)) }}
{% endmacro %}

{% macro default__lm_days_between(start_expr, end_expr) -%}
    (cast({{ end_expr }} as date) - cast({{ start_expr }} as date))
{%- endmacro %}

{% macro mysql__lm_days_between(start_expr, end_expr) -%}
    datediff({{ end_expr }}, {{ start_expr }})
{%- endmacro %}

{% macro duckdb__lm_days_between(start_expr, end_expr) -%}
    date_diff('day', cast({{ start_expr }} as date), cast({{ end_expr }} as date))
{%- endmacro %}

{% macro mariadb__lm_days_between(start_expr, end_expr) %}
    {{ return(lm.mysql__lm_days_between(start_expr, end_expr)) }}
{% endmacro %}

{% macro mysql5__lm_days_between(start_expr, end_expr) %}
    {{ return(lm.mysql__lm_days_between(start_expr, end_expr)) }}
{% endmacro %}

{#-
    lm_add_interval(expr, amount, unit): timestamp + amount units, unit in second/minute/hour/day.
    amount is any integer SQL expression (a negative one subtracts); a fractional amount is rounded to
    an integer first (half away from zero on both engines), because MySQL would round it per unit.
    The result is a timestamp even for a date input (MySQL's DATE + INTERVAL n DAY would stay a DATE).
-#}
{% macro lm_add_interval(expr, amount, unit) %}
    {{ return(adapter.dispatch('lm_add_interval', 'lm')(expr, amount, unit)) }}
{% endmacro %}

{% macro lm_check_interval_unit(unit) %}
    {% set normalized = (unit | string | lower | trim).strip("'\"") %}
    {% if normalized not in ['second', 'minute', 'hour', 'day'] %}
        {{ exceptions.raise_compiler_error("lm_add_interval: unit must be second, minute, hour or day, got " ~ unit) }}
    {% endif %}
    {{ return(normalized) }}
{% endmacro %}

{% macro default__lm_add_interval(expr, amount, unit) -%}
    {%- set checked_unit = lm.lm_check_interval_unit(unit) -%}
    (cast({{ expr }} as timestamp) + cast({{ amount }} as bigint) * interval '1' {{ checked_unit }})
{%- endmacro %}

{# TIMESTAMP(x) turns a date into a datetime and keeps a datetime's fractional seconds. #}
{% macro mysql__lm_add_interval(expr, amount, unit) -%}
    {%- set checked_unit = lm.lm_check_interval_unit(unit) -%}
    date_add(timestamp({{ expr }}), interval cast({{ amount }} as signed) {{ checked_unit }})
{%- endmacro %}

{% macro duckdb__lm_add_interval(expr, amount, unit) -%}
    {%- set checked_unit = lm.lm_check_interval_unit(unit) -%}
    (cast({{ expr }} as timestamp) + interval (cast({{ amount }} as bigint)) {{ checked_unit }})
{%- endmacro %}

{% macro mariadb__lm_add_interval(expr, amount, unit) %}
    {{ return(lm.mysql__lm_add_interval(expr, amount, unit)) }}
{% endmacro %}

{% macro mysql5__lm_add_interval(expr, amount, unit) %}
    {{ return(lm.mysql__lm_add_interval(expr, amount, unit)) }}
{% endmacro %}

{#- hour of day, 0-23 ------------------------------------------------------------------------------------ -#}
{% macro lm_hour_of(expr) %}{{ return(adapter.dispatch('lm_hour_of', 'lm')(expr)) }}{% endmacro %}

{% macro default__lm_hour_of(expr) -%}
    extract(hour from {{ expr }})
{%- endmacro %}

{% macro mysql__lm_hour_of(expr) -%}
    hour({{ expr }})
{%- endmacro %}

{% macro duckdb__lm_hour_of(expr) -%}
    hour({{ expr }})
{%- endmacro %}

{% macro mariadb__lm_hour_of(expr) %}{{ return(lm.mysql__lm_hour_of(expr)) }}{% endmacro %}

{% macro mysql5__lm_hour_of(expr) %}{{ return(lm.mysql__lm_hour_of(expr)) }}{% endmacro %}

{#- ISO weekday, 1 = Monday .. 7 = Sunday --------------------------------------------------------------- -#}
{% macro lm_iso_weekday(expr) %}{{ return(adapter.dispatch('lm_iso_weekday', 'lm')(expr)) }}{% endmacro %}

{% macro default__lm_iso_weekday(expr) -%}
    extract(isodow from {{ expr }})
{%- endmacro %}

{# WEEKDAY() is 0 = Monday; DAYOFWEEK() would be 1 = Sunday. #}
{% macro mysql__lm_iso_weekday(expr) -%}
    (weekday({{ expr }}) + 1)
{%- endmacro %}

{% macro duckdb__lm_iso_weekday(expr) -%}
    isodow({{ expr }})
{%- endmacro %}

{% macro mariadb__lm_iso_weekday(expr) %}{{ return(lm.mysql__lm_iso_weekday(expr)) }}{% endmacro %}

{% macro mysql5__lm_iso_weekday(expr) %}{{ return(lm.mysql__lm_iso_weekday(expr)) }}{% endmacro %}

{#- date of a timestamp -------------------------------------------------------------------------------- -#}
{% macro lm_date_of(expr) %}{{ return(adapter.dispatch('lm_date_of', 'lm')(expr)) }}{% endmacro %}

{% macro default__lm_date_of(expr) -%}
    cast({{ expr }} as date)
{%- endmacro %}

{% macro mysql__lm_date_of(expr) -%}
    cast({{ expr }} as date)
{%- endmacro %}

{% macro duckdb__lm_date_of(expr) -%}
    cast({{ expr }} as date)
{%- endmacro %}

{% macro mariadb__lm_date_of(expr) %}{{ return(lm.mysql__lm_date_of(expr)) }}{% endmacro %}

{% macro mysql5__lm_date_of(expr) %}{{ return(lm.mysql__lm_date_of(expr)) }}{% endmacro %}

{#- Monday on or before the date, as a date ---------------------------------------------------------- -#}
{% macro lm_week_start(expr) %}{{ return(adapter.dispatch('lm_week_start', 'lm')(expr)) }}{% endmacro %}

{% macro default__lm_week_start(expr) -%}
    cast(date_trunc('week', {{ expr }}) as date)
{%- endmacro %}

{% macro mysql__lm_week_start(expr) -%}
    date_sub(cast({{ expr }} as date), interval weekday({{ expr }}) day)
{%- endmacro %}

{# DuckDB's week is the ISO week, starting on Monday. #}
{% macro duckdb__lm_week_start(expr) -%}
    cast(date_trunc('week', {{ expr }}) as date)
{%- endmacro %}

{% macro mariadb__lm_week_start(expr) %}{{ return(lm.mysql__lm_week_start(expr)) }}{% endmacro %}

{% macro mysql5__lm_week_start(expr) %}{{ return(lm.mysql__lm_week_start(expr)) }}{% endmacro %}

{#- first day of the month, as a date -------------------------------------------------------------------- -#}
{% macro lm_month_start(expr) %}{{ return(adapter.dispatch('lm_month_start', 'lm')(expr)) }}{% endmacro %}

{% macro default__lm_month_start(expr) -%}
    cast(date_trunc('month', {{ expr }}) as date)
{%- endmacro %}

{% macro mysql__lm_month_start(expr) -%}
    date_sub(cast({{ expr }} as date), interval (dayofmonth({{ expr }}) - 1) day)
{%- endmacro %}

{% macro duckdb__lm_month_start(expr) -%}
    cast(date_trunc('month', {{ expr }}) as date)
{%- endmacro %}

{% macro mariadb__lm_month_start(expr) %}{{ return(lm.mysql__lm_month_start(expr)) }}{% endmacro %}

{% macro mysql5__lm_month_start(expr) %}{{ return(lm.mysql__lm_month_start(expr)) }}{% endmacro %}

{#-
    lm_now(): the current local timestamp (session time zone), without time zone, whole seconds on both
    engines, the same clock as MySQL's NOW() / CURRENT_TIMESTAMP that fills lm_value.created_at.
-#}
{% macro lm_now() %}{{ return(adapter.dispatch('lm_now', 'lm')()) }}{% endmacro %}

{% macro default__lm_now() -%}
    localtimestamp(0)
{%- endmacro %}

{% macro mysql__lm_now() -%}
    now()
{%- endmacro %}

{# current_timestamp is TIMESTAMPTZ in DuckDB; localtimestamp is the TIMESTAMP in the TimeZone setting. #}
{% macro duckdb__lm_now() -%}
    date_trunc('second', localtimestamp)
{%- endmacro %}

{% macro mariadb__lm_now() %}{{ return(lm.mysql__lm_now()) }}{% endmacro %}

{% macro mysql5__lm_now() %}{{ return(lm.mysql__lm_now()) }}{% endmacro %}
