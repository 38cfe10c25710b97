{#-
    Type names for use inside CAST(... as <type>), valid on MySQL 8, MariaDB 10.11 and DuckDB.
    These are CAST targets, not DDL column types: MySQL's `char` in a CREATE TABLE would mean CHAR(1).
    dbt-mysql registers three adapter types (mysql, mariadb, mysql5) with no parent adapter, so dispatch
    for `mariadb` never falls back to `mysql__`: the mariadb__ / mysql5__ wrappers below forward explicitly.
-#}

{#- string ------------------------------------------------------------------------------------------ -#}
{% macro lm_type_string() %}{{ return(adapter.dispatch('lm_type_string', 'lm')()) }}{% endmacro %}

{% macro default__lm_type_string() %}{{ return('varchar') }}{% endmacro %}

{# MySQL 8 accepts only CHAR (not VARCHAR/TEXT) in CAST; the result takes the connection character set. #}
{% macro mysql__lm_type_string() %}{{ return('char') }}{% endmacro %}

{% macro duckdb__lm_type_string() %}{{ return('varchar') }}{% endmacro %}

{% macro mariadb__lm_type_string() %}{{ return(lm.mysql__lm_type_string()) }}{% endmacro %}

{% macro mysql5__lm_type_string() %}{{ return(lm.mysql__lm_type_string()) }}{% endmacro %}

{#- float (double precision everywhere: CAST AS FLOAT is single precision on MySQL/MariaDB) ------------ -#}
{% macro lm_type_float() %}{{ return(adapter.dispatch('lm_type_float', 'lm')()) }}{% endmacro %}

{% macro default__lm_type_float() %}{{ return('double precision') }}{% endmacro %}

{# CAST(... AS DOUBLE): MySQL 8.0.17+, MariaDB 10.4+. #}
{% macro mysql__lm_type_float() %}{{ return('double') }}{% endmacro %}

{% macro duckdb__lm_type_float() %}{{ return('double') }}{% endmacro %}

{% macro mariadb__lm_type_float() %}{{ return(lm.mysql__lm_type_float()) }}{% endmacro %}

{% macro mysql5__lm_type_float() %}{{ return(lm.mysql__lm_type_float()) }}{% endmacro %}

{#- signed 64-bit integer ------------------------------------------------------------------------------ -#}
{% macro lm_type_int() %}{{ return(adapter.dispatch('lm_type_int', 'lm')()) }}{% endmacro %}

{% macro default__lm_type_int() %}{{ return('bigint') }}{% endmacro %}

{# MySQL 8 rejects CAST(... AS INT/INTEGER/BIGINT); SIGNED is BIGINT. #}
{% macro mysql__lm_type_int() %}{{ return('signed') }}{% endmacro %}

{% macro duckdb__lm_type_int() %}{{ return('bigint') }}{% endmacro %}

{% macro mariadb__lm_type_int() %}{{ return(lm.mysql__lm_type_int()) }}{% endmacro %}

{% macro mysql5__lm_type_int() %}{{ return(lm.mysql__lm_type_int()) }}{% endmacro %}

{#- fixed-point decimal --------------------------------------------------------------------------------- -#}
{% macro lm_type_decimal(precision, scale) %}
    {{ return(adapter.dispatch('lm_type_decimal', 'lm')(precision, scale)) }}
{% endmacro %}

{#
    Checks shared by every implementation: integers, 1 <= precision <= 38 (DuckDB's limit),
    0 <= scale <= min(precision, 30) (MySQL's scale limit).
#}
{% macro lm_check_decimal_args(precision, scale) %}
    {% if precision is not number or scale is not number
        or precision != precision | int or scale != scale | int
        or precision < 1 or precision > 38 or scale < 0 or scale > precision or scale > 30 %}
        {{ exceptions.raise_compiler_error(
            "lm decimal type needs integer precision 1..38 and scale 0..min(precision, 30), got ("
            ~ precision ~ ", " ~ scale ~ ")") }}
    {% endif %}
    {{ return([precision | int, scale | int]) }}
{% endmacro %}

{% macro default__lm_type_decimal(precision, scale) %}
    {% set checked = lm.lm_check_decimal_args(precision, scale) %}
    {{ return('numeric(' ~ checked[0] ~ ', ' ~ checked[1] ~ ')') }}
{% endmacro %}

{% macro mysql__lm_type_decimal(precision, scale) %}
    {% set checked = lm.lm_check_decimal_args(precision, scale) %}
    {{ return('decimal(' ~ checked[0] ~ ', ' ~ checked[1] ~ ')') }}
{% endmacro %}

{% macro duckdb__lm_type_decimal(precision, scale) %}
    {% set checked = lm.lm_check_decimal_args(precision, scale) %}
    {{ return('decimal(' ~ checked[0] ~ ', ' ~ checked[1] ~ ')') }}
{% endmacro %}

{% macro mariadb__lm_type_decimal(precision, scale) %}
    {{ return(lm.mysql__lm_type_decimal(precision, scale)) }}
{% endmacro %}

{% macro mysql5__lm_type_decimal(precision, scale) %}
    {{ return(lm.mysql__lm_type_decimal(precision, scale)) }}
{% endmacro %}

{#- timestamp without time zone, microseconds kept ------------------------------------------------------ -#}
{% macro lm_type_timestamp() %}{{ return(adapter.dispatch('lm_type_timestamp', 'lm')()) }}{% endmacro %}

{% macro default__lm_type_timestamp() %}{{ return('timestamp') }}{% endmacro %}

{#
    DATETIME(6), like DuckDB's microsecond TIMESTAMP. Plain DATETIME would drop fractions, and not the
    same way: MySQL 8 rounds them, MariaDB truncates them.
#}
{% macro mysql__lm_type_timestamp() %}{{ return('datetime(6)') }}{% endmacro %}

{% macro duckdb__lm_type_timestamp() %}{{ return('timestamp') }}{% endmacro %}

{% macro mariadb__lm_type_timestamp() %}{{ return(lm.mysql__lm_type_timestamp()) }}{% endmacro %}

{% macro mysql5__lm_type_timestamp() %}{{ return(lm.mysql__lm_type_timestamp()) }}{% endmacro %}

{#- date ------------------------------------------------------------------------------------------------ -#}
{% macro lm_type_date() %}{{ return(adapter.dispatch('lm_type_date', 'lm')()) }}{% endmacro %}

{% macro default__lm_type_date() %}{{ return('date') }}{% endmacro %}

{% macro mysql__lm_type_date() %}{{ return('date') }}{% endmacro %}

{% macro duckdb__lm_type_date() %}{{ return('date') }}{% endmacro %}

{% macro mariadb__lm_type_date() %}{{ return(lm.mysql__lm_type_date()) }}{% endmacro %}

{% macro mysql5__lm_type_date() %}{{ return(lm.mysql__lm_type_date()) }}{% endmacro %}
