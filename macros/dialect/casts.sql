{#-
    Safe casts from text: NULL (never 0, never an error, never a MySQL warning that strict mode would turn
    into an error inside INSERT ... SELECT / CREATE TABLE ... AS SELECT) for text that is not a value of the
    type. Leading and trailing spaces are trimmed (spaces only, not tabs or newlines, on every engine).
    The accepted syntax is the same on every engine because both implementations first full-match the same
    pattern (lm_try_cast_pattern); the engine's own cast only runs on text that passed. Feed them text:
    other input goes through the engine's own text conversion first, which differs for floats.
-#}

{#
    The accepted text of each kind, as a portable regular expression (see regex.sql), returned as a SQL
    string literal. Shared by all implementations.
    - int: optional sign, digits; at most 19 significant digits (range checked separately).
    - decimal(p, s): optional sign, at most p - s significant integer digits, optional fraction of any
      length (rounded to s places, half away from zero on both engines); '.5' and '5.' are accepted.
    - float: decimal notation with at most 30 integer digits, optional exponent of 1-2 digits, so every
      accepted text is finite (|x| < 1e130). No 'inf' / 'nan'.
    - date: YYYY-MM-DD, year 1000-9999 (MySQL's DATE range), month 01-12, day 01-31 (day-of-month
      validity is checked separately).
    - timestamp: a date, optionally followed by one space and HH:MM:SS with an optional fraction of
      1-6 digits. No 'T' separator, no time zone.
#}
{% macro lm_try_cast_pattern(kind, precision=none, scale=none) %}
    {% set date_body = "[1-9][0-9]{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])" %}
    {% if kind == 'int' %}
        {% set body = "[+-]?0*[0-9]{1,19}" %}
    {% elif kind == 'decimal' %}
        {% set integer_digits = precision - scale %}
        {% if integer_digits > 0 %}
            {% set body = "[+-]?(?:0*[0-9]{1," ~ integer_digits ~ "}(?:[.][0-9]*)?|[.][0-9]+)" %}
        {% else %}
            {% set body = "[+-]?(?:0+(?:[.][0-9]*)?|0*[.][0-9]+)" %}
        {% endif %}
    {% elif kind == 'float' %}
        {% set body = "[+-]?(?:[0-9]{1,30}(?:[.][0-9]*)?|[.][0-9]+)(?:[eE][+-]?[0-9]{1,2})?" %}
    {% elif kind == 'date' %}
        {% set body = date_body %}
    {% elif kind == 'timestamp' %}
        {% set body = date_body ~ "(?: (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:[.][0-9]{1,6})?)?" %}
    {% else %}
        {{ exceptions.raise_compiler_error("lm_try_cast_pattern: unknown kind " ~ kind) }}
    {% endif %}
    {{ return("'" ~ body ~ "'") }}
{% endmacro %}

{# The trimmed text of an expression, as the engine's string type. #}
{% macro lm_trimmed_text(expr) -%}
    trim(cast({{ expr }} as {{ lm.lm_type_string() }}))
{%- endmacro %}

{#- integer (signed 64-bit) ------------------------------------------------------------------------------ -#}
{% macro lm_try_cast_int(expr) %}{{ return(adapter.dispatch('lm_try_cast_int', 'lm')(expr)) }}{% endmacro %}

{% macro default__lm_try_cast_int(expr) %}
    {{ exceptions.raise_compiler_error("lm_try_cast_int has no implementation for adapter type " ~ target.type) }}
{% endmacro %}

{# CAST('abc' AS SIGNED) is 0 with a warning; out-of-range text is clamped with a warning: guard both. #}
{% macro mysql__lm_try_cast_int(expr) -%}
    {%- set text = lm.lm_trimmed_text(expr) -%}
    (case
        when {{ lm.lm_regexp_full_match(text, lm.lm_try_cast_pattern('int')) }}
            then (case
                when cast({{ text }} as decimal(65, 0)) between -9223372036854775808 and 9223372036854775807
                    then cast({{ text }} as signed)
            end)
    end)
{%- endmacro %}

{# DuckDB's try_cast alone also accepts '12.5' (-> 13), '1e3', '1_000' and '0x1F'. #}
{% macro duckdb__lm_try_cast_int(expr) -%}
    {%- set text = lm.lm_trimmed_text(expr) -%}
    (case
        when {{ lm.lm_regexp_full_match(text, lm.lm_try_cast_pattern('int')) }}
            then try_cast({{ text }} as bigint)
    end)
{%- endmacro %}

{% macro mariadb__lm_try_cast_int(expr) %}{{ return(lm.mysql__lm_try_cast_int(expr)) }}{% endmacro %}

{% macro mysql5__lm_try_cast_int(expr) %}{{ return(lm.mysql__lm_try_cast_int(expr)) }}{% endmacro %}

{#- decimal(precision, scale) ----------------------------------------------------------------------------- -#}
{% macro lm_try_cast_decimal(expr, precision, scale) %}
    {{ return(adapter.dispatch('lm_try_cast_decimal', 'lm')(expr, precision, scale)) }}
{% endmacro %}

{% macro default__lm_try_cast_decimal(expr, precision, scale) %}
    {{ exceptions.raise_compiler_error("lm_try_cast_decimal has no implementation for adapter type " ~ target.type) }}
{% endmacro %}

{#
    The pattern bounds the integer digits, so the wide decimal(65, scale) cast cannot overflow; the range
    check then catches values that only overflow after rounding ('99.999' as decimal(4, 2)), which MySQL
    would clamp to 99.99 with a warning and DuckDB's try_cast turns into NULL.
#}
{% macro mysql__lm_try_cast_decimal(expr, precision, scale) -%}
    {%- set checked = lm.lm_check_decimal_args(precision, scale) -%}
    {%- set text = lm.lm_trimmed_text(expr) -%}
    {%- set wide = 'cast(' ~ text ~ ' as decimal(65, ' ~ checked[1] ~ '))' -%}
    (case
        when {{ lm.lm_regexp_full_match(text, lm.lm_try_cast_pattern('decimal', checked[0], checked[1])) }}
            then (case
                when abs({{ wide }}) < 1{{ '0' * (checked[0] - checked[1]) }}
                    then cast({{ wide }} as {{ lm.lm_type_decimal(checked[0], checked[1]) }})
            end)
    end)
{%- endmacro %}

{% macro duckdb__lm_try_cast_decimal(expr, precision, scale) -%}
    {%- set checked = lm.lm_check_decimal_args(precision, scale) -%}
    {%- set text = lm.lm_trimmed_text(expr) -%}
    (case
        when {{ lm.lm_regexp_full_match(text, lm.lm_try_cast_pattern('decimal', checked[0], checked[1])) }}
            then try_cast({{ text }} as {{ lm.lm_type_decimal(checked[0], checked[1]) }})
    end)
{%- endmacro %}

{% macro mariadb__lm_try_cast_decimal(expr, precision, scale) %}
    {{ return(lm.mysql__lm_try_cast_decimal(expr, precision, scale)) }}
{% endmacro %}

{% macro mysql5__lm_try_cast_decimal(expr, precision, scale) %}
    {{ return(lm.mysql__lm_try_cast_decimal(expr, precision, scale)) }}
{% endmacro %}

{#- double precision float --------------------------------------------------------------------------------- -#}
{% macro lm_try_cast_float(expr) %}{{ return(adapter.dispatch('lm_try_cast_float', 'lm')(expr)) }}{% endmacro %}

{% macro default__lm_try_cast_float(expr) %}
    {{ exceptions.raise_compiler_error("lm_try_cast_float has no implementation for adapter type " ~ target.type) }}
{% endmacro %}

{% macro mysql__lm_try_cast_float(expr) -%}
    {%- set text = lm.lm_trimmed_text(expr) -%}
    (case
        when {{ lm.lm_regexp_full_match(text, lm.lm_try_cast_pattern('float')) }}
            then cast({{ text }} as {{ lm.lm_type_float() }})
    end)
{%- endmacro %}

{% macro duckdb__lm_try_cast_float(expr) -%}
    {%- set text = lm.lm_trimmed_text(expr) -%}
    (case
        when {{ lm.lm_regexp_full_match(text, lm.lm_try_cast_pattern('float')) }}
            then try_cast({{ text }} as {{ lm.lm_type_float() }})
    end)
{%- endmacro %}

{% macro mariadb__lm_try_cast_float(expr) %}{{ return(lm.mysql__lm_try_cast_float(expr)) }}{% endmacro %}

{% macro mysql5__lm_try_cast_float(expr) %}{{ return(lm.mysql__lm_try_cast_float(expr)) }}{% endmacro %}

{#- date ------------------------------------------------------------------------------------------------- -#}
{% macro lm_try_cast_date(expr) %}{{ return(adapter.dispatch('lm_try_cast_date', 'lm')(expr)) }}{% endmacro %}

{% macro default__lm_try_cast_date(expr) %}
    {{ exceptions.raise_compiler_error("lm_try_cast_date has no implementation for adapter type " ~ target.type) }}
{% endmacro %}

{#
    The day must exist in its month: MySQL's CAST('2024-02-30' AS DATE) is NULL with a warning, which
    strict mode turns into error 1292 inside INSERT ... SELECT. The first of the month always exists.
#}
{% macro lm_mysql_day_exists(text) -%}
    cast(substring({{ text }}, 9, 2) as unsigned)
        <= dayofmonth(last_day(cast(concat(substring({{ text }}, 1, 7), '-01') as date)))
{%- endmacro %}

{% macro mysql__lm_try_cast_date(expr) -%}
    {%- set text = lm.lm_trimmed_text(expr) -%}
    (case
        when {{ lm.lm_regexp_full_match(text, lm.lm_try_cast_pattern('date')) }}
            then (case when {{ lm.lm_mysql_day_exists(text) }} then cast({{ text }} as date) end)
    end)
{%- endmacro %}

{% macro duckdb__lm_try_cast_date(expr) -%}
    {%- set text = lm.lm_trimmed_text(expr) -%}
    (case
        when {{ lm.lm_regexp_full_match(text, lm.lm_try_cast_pattern('date')) }}
            then try_cast({{ text }} as date)
    end)
{%- endmacro %}

{% macro mariadb__lm_try_cast_date(expr) %}{{ return(lm.mysql__lm_try_cast_date(expr)) }}{% endmacro %}

{% macro mysql5__lm_try_cast_date(expr) %}{{ return(lm.mysql__lm_try_cast_date(expr)) }}{% endmacro %}

{#- timestamp ---------------------------------------------------------------------------------------------- -#}
{% macro lm_try_cast_timestamp(expr) %}{{ return(adapter.dispatch('lm_try_cast_timestamp', 'lm')(expr)) }}{% endmacro %}

{% macro default__lm_try_cast_timestamp(expr) %}
    {{ exceptions.raise_compiler_error("lm_try_cast_timestamp has no implementation for adapter type " ~ target.type) }}
{% endmacro %}

{% macro mysql__lm_try_cast_timestamp(expr) -%}
    {%- set text = lm.lm_trimmed_text(expr) -%}
    (case
        when {{ lm.lm_regexp_full_match(text, lm.lm_try_cast_pattern('timestamp')) }}
            then (case when {{ lm.lm_mysql_day_exists(text) }} then cast({{ text }} as {{ lm.lm_type_timestamp() }}) end)
    end)
{%- endmacro %}

{% macro duckdb__lm_try_cast_timestamp(expr) -%}
    {%- set text = lm.lm_trimmed_text(expr) -%}
    (case
        when {{ lm.lm_regexp_full_match(text, lm.lm_try_cast_pattern('timestamp')) }}
            then try_cast({{ text }} as {{ lm.lm_type_timestamp() }})
    end)
{%- endmacro %}

{% macro mariadb__lm_try_cast_timestamp(expr) %}{{ return(lm.mysql__lm_try_cast_timestamp(expr)) }}{% endmacro %}

{% macro mysql5__lm_try_cast_timestamp(expr) %}{{ return(lm.mysql__lm_try_cast_timestamp(expr)) }}{% endmacro %}
