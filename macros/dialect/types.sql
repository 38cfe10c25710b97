{#-
    Type names for use inside CAST(... as <type>), valid on MySQL 8, MariaDB 10.11 and DuckDB.
    These are CAST targets, not DDL column types: MySQL's `char` in a CREATE TABLE would mean CHAR(1).
    Dispatched where the engines need different names: mysql__ holds the MySQL/MariaDB name and mariadb__
    forwards to it, because dbt-mysql's `mariadb` adapter type has no parent adapter, so dispatch never falls
    back from mariadb__ to mysql__ by itself. (dbt-mysql's third adapter type, `mysql5`, is not supported.)
-#}

{#- string ------------------------------------------------------------------------------------------ -#}
{% macro lm_type_string() %}{{ return(adapter.dispatch('lm_type_string', 'lm')()) }}{% endmacro %}

{# MySQL 8 accepts only CHAR (not VARCHAR/TEXT) in CAST; the result takes the connection character set. #}
{% macro mysql__lm_type_string() %}{{ return('char') }}{% endmacro %}

{% macro mariadb__lm_type_string() %}{{ return(lm.mysql__lm_type_string()) }}{% endmacro %}

{% macro duckdb__lm_type_string() %}{{ return('varchar') }}{% endmacro %}

{#-
    float: double precision on every engine (CAST AS FLOAT is single precision on MySQL/MariaDB).
    CAST(... AS DOUBLE): MySQL 8.0.17+, MariaDB 10.4+, DuckDB.
-#}
{% macro lm_type_float() %}{{ return('double') }}{% endmacro %}

{#- signed 64-bit integer ------------------------------------------------------------------------------ -#}
{% macro lm_type_int() %}{{ return(adapter.dispatch('lm_type_int', 'lm')()) }}{% endmacro %}

{# MySQL 8 rejects CAST(... AS INT/INTEGER/BIGINT); SIGNED is BIGINT. #}
{% macro mysql__lm_type_int() %}{{ return('signed') }}{% endmacro %}

{% macro mariadb__lm_type_int() %}{{ return(lm.mysql__lm_type_int()) }}{% endmacro %}

{% macro duckdb__lm_type_int() %}{{ return('bigint') }}{% endmacro %}

{#-
    fixed-point decimal(precision, scale), the same name on every engine. The arguments are checked
    (lm_check_decimal_args) so a model cannot ask for a type one of the engines lacks.
-#}
{% macro lm_type_decimal(precision, scale) %}
    {% set checked = lm.lm_check_decimal_args(precision, scale) %}
    {{ return('decimal(' ~ checked[0] ~ ', ' ~ checked[1] ~ ')') }}
{% endmacro %}

{#
    The checks of a decimal type: integers, 1 <= precision <= 38 (DuckDB's limit),
    0 <= scale <= min(precision, 30) (MySQL's scale limit). Returns [precision, scale] as integers.
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

{#- timestamp without time zone, microseconds kept ------------------------------------------------------ -#}
{% macro lm_type_timestamp() %}{{ return(adapter.dispatch('lm_type_timestamp', 'lm')()) }}{% endmacro %}

{#
    DATETIME(6), like DuckDB's microsecond TIMESTAMP. Plain DATETIME would drop fractions, and not the
    same way: MySQL 8 rounds them, MariaDB truncates them.
#}
{% macro mysql__lm_type_timestamp() %}{{ return('datetime(6)') }}{% endmacro %}

{% macro mariadb__lm_type_timestamp() %}{{ return(lm.mysql__lm_type_timestamp()) }}{% endmacro %}

{% macro duckdb__lm_type_timestamp() %}{{ return('timestamp') }}{% endmacro %}
