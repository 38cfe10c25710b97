{#-
    Project versions of dbt-core 1.7's cross-database macros (global_project/macros/utils/) where the stock
    ones are wrong on MySQL/MariaDB (silently, or by failing). dbt_project.yml's
    `dispatch: [{macro_namespace: dbt, search_order: [lm, dbt]}]` makes `dbt.<name>(...)` find
    `lm.<adapter>__<name>` first. dbt-mysql's adapter types have no parent adapter, so every override exists
    twice: mysql__ holds the code and mariadb__ forwards to it (adapter type `mysql5` is not supported).
    Never define default__<name> here: it would replace dbt's default for DuckDB as well.
    Not overridden: type_boolean (MySQL has no boolean CAST target; CAST('true' AS SIGNED) is 0, so no
    type name is correct), split_part (SUBSTRING_INDEX returns the last part instead of '' past the end),
    and listagg with limit_num (MySQL 8's GROUP_CONCAT has no LIMIT): those raise or keep failing.
-#}

{# The datepart check of dateadd, datediff and date_trunc: returns it lowercased, without quotes. #}
{% macro lm_normalize_datepart(macro_name, datepart, allowed) %}
    {% set normalized = (datepart | string | lower | trim).strip("'\"") %}
    {% if normalized not in allowed %}
        {{ exceptions.raise_compiler_error(
            macro_name ~ " on " ~ target.type ~ ": datepart must be one of " ~ allowed | join(", ") ~ ", got " ~ datepart) }}
    {% endif %}
    {{ return(normalized) }}
{% endmacro %}

{#- concat: CONCAT() (|| is OR on MySQL) -------------------------------------------------------------------- -#}
{% macro mysql__concat(fields) -%}{{ lm.mysql__lm_concat(fields) }}{%- endmacro %}

{% macro mariadb__concat(fields) -%}{{ lm.mysql__concat(fields) }}{%- endmacro %}

{#- safe_cast: NULL for text that is not a value of the type (casts.sql holds the SQL) ------------------ -#}
{% macro mysql__safe_cast(field, type) -%}
    {%- set kind = lm.lm_safe_cast_kind(type) -%}
    {%- if kind[0] == 'string' -%}cast({{ field }} as {{ lm.mysql__lm_type_string() }})
    {%- elif kind[0] == 'other' -%}
        {{ exceptions.raise_compiler_error("dbt.safe_cast on " ~ target.type ~ ": no safe cast to type " ~ type) }}
    {%- else -%}{{ lm.lm_mysql_try_cast(field, kind[0], kind[1], kind[2]) }}
    {%- endif -%}
{%- endmacro %}

{% macro mariadb__safe_cast(field, type) -%}{{ lm.mysql__safe_cast(field, type) }}{%- endmacro %}

{#
    dbt-duckdb inherits dbt's plain CAST (errors on bad text). Same accepted syntax as MySQL through
    lm_duckdb_try_cast, then try_cast to the exact requested integer or float type (e.g. integer, float);
    other types use DuckDB's own try_cast.
#}
{% macro duckdb__safe_cast(field, type) -%}
    {%- set kind = lm.lm_safe_cast_kind(type) -%}
    {%- if kind[0] in ['int', 'float'] -%}try_cast({{ lm.lm_duckdb_try_cast(field, kind[0]) }} as {{ type }})
    {%- elif kind[0] in ['decimal', 'date', 'timestamp'] -%}
        {{- lm.lm_duckdb_try_cast(field, kind[0], kind[1], kind[2]) -}}
    {%- elif kind[0] == 'string' -%}cast({{ field }} as {{ type }})
    {%- else -%}try_cast({{ field }} as {{ type }})
    {%- endif -%}
{%- endmacro %}

{#- types: names valid inside CAST on MySQL 8 and MariaDB -------------------------------------------------- -#}
{# dbt-mysql's translate_type gives TEXT, which CAST rejects. #}
{% macro mysql__type_string() %}{{ return(lm.mysql__lm_type_string()) }}{% endmacro %}

{% macro mariadb__type_string() %}{{ return(lm.mysql__type_string()) }}{% endmacro %}

{# dbt's default renders numeric(28,6); MySQL's CAST knows only DECIMAL. #}
{% macro mysql__type_numeric() %}{{ return(lm.lm_type_decimal(28, 6)) }}{% endmacro %}

{% macro mariadb__type_numeric() %}{{ return(lm.mysql__type_numeric()) }}{% endmacro %}

{% macro mysql__type_bigint() %}{{ return(lm.mysql__lm_type_int()) }}{% endmacro %}

{% macro mariadb__type_bigint() %}{{ return(lm.mysql__type_bigint()) }}{% endmacro %}

{# dbt-mysql gives INTEGER: MariaDB accepts CAST(... AS INTEGER), MySQL 8 does not. #}
{% macro mysql__type_int() %}{{ return(lm.mysql__lm_type_int()) }}{% endmacro %}

{% macro mariadb__type_int() %}{{ return(lm.mysql__type_int()) }}{% endmacro %}

{# dbt-mysql gives FLOAT, which CAST makes single precision (0.1 -> 0.10000000149...). #}
{% macro mysql__type_float() %}{{ return(lm.lm_type_float()) }}{% endmacro %}

{% macro mariadb__type_float() %}{{ return(lm.mysql__type_float()) }}{% endmacro %}

{#- dateadd(datepart, interval, from_date_or_timestamp) ------------------------------------------------------ -#}
{# Same results as DuckDB's date + interval, including month-end clamping (Jan 31 + 1 month = Feb 29). #}
{% macro mysql__dateadd(datepart, interval, from_date_or_timestamp) -%}
    {%- set part = lm.lm_normalize_datepart('dbt.dateadd', datepart,
        ['microsecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']) -%}
    date_add({{ from_date_or_timestamp }}, interval ({{ interval }}) {{ part }})
{%- endmacro %}

{% macro mariadb__dateadd(datepart, interval, from_date_or_timestamp) -%}
    {{ lm.mysql__dateadd(datepart, interval, from_date_or_timestamp) }}
{%- endmacro %}

{#- datediff(first_date, second_date, datepart): second - first ---------------------------------------------- -#}
{#
    dbt's semantics (Snowflake, and dbt-duckdb's date_diff): the number of datepart boundaries crossed,
    e.g. datediff 23:59 -> 00:01 is 1 day, 10:59 -> 11:01 is 1 hour; MySQL's TIMESTAMPDIFF counts
    whole elapsed units instead, so it is used for nothing but weeks, where DuckDB also counts whole
    elapsed weeks of calendar days (days DIV 7, truncated toward zero).
#}
{% macro mysql__datediff(first_date, second_date, datepart) -%}
    {%- set part = lm.lm_normalize_datepart('dbt.datediff', datepart,
        ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']) -%}
    {%- set a = first_date -%}
    {%- set b = second_date -%}
    {%- set days = 'datediff(' ~ b ~ ', ' ~ a ~ ')' -%}
    {%- set hours = '(' ~ days ~ ' * 24 + hour(' ~ b ~ ') - hour(' ~ a ~ '))' -%}
    {%- set minutes = '(' ~ hours ~ ' * 60 + minute(' ~ b ~ ') - minute(' ~ a ~ '))' -%}
    {%- if part == 'year' -%}
    (year({{ b }}) - year({{ a }}))
    {%- elif part == 'quarter' -%}
    ((year({{ b }}) * 4 + quarter({{ b }})) - (year({{ a }}) * 4 + quarter({{ a }})))
    {%- elif part == 'month' -%}
    ((year({{ b }}) * 12 + month({{ b }})) - (year({{ a }}) * 12 + month({{ a }})))
    {%- elif part == 'week' -%}
    ({{ days }} div 7)
    {%- elif part == 'day' -%}
    {{ days }}
    {%- elif part == 'hour' -%}
    {{ hours }}
    {%- elif part == 'minute' -%}
    {{ minutes }}
    {%- else -%}
    ({{ minutes }} * 60 + second({{ b }}) - second({{ a }}))
    {%- endif -%}
{%- endmacro %}

{% macro mariadb__datediff(first_date, second_date, datepart) -%}
    {{ lm.mysql__datediff(first_date, second_date, datepart) }}
{%- endmacro %}

{#- date_trunc(datepart, date): a DATETIME on MySQL (DuckDB: a TIMESTAMP); weeks start on Monday ------------ -#}
{% macro mysql__date_trunc(datepart, date) -%}
    {%- set part = lm.lm_normalize_datepart('dbt.date_trunc', datepart,
        ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']) -%}
    {%- if part == 'second' -%}
    cast(date_format({{ date }}, '%Y-%m-%d %H:%i:%s') as datetime)
    {%- elif part == 'minute' -%}
    cast(date_format({{ date }}, '%Y-%m-%d %H:%i:00') as datetime)
    {%- elif part == 'hour' -%}
    cast(date_format({{ date }}, '%Y-%m-%d %H:00:00') as datetime)
    {%- elif part == 'day' -%}
    cast(cast({{ date }} as date) as datetime)
    {%- elif part == 'week' -%}
    cast(date_sub(cast({{ date }} as date), interval weekday({{ date }}) day) as datetime)
    {%- elif part == 'month' -%}
    cast(date_sub(cast({{ date }} as date), interval (dayofmonth({{ date }}) - 1) day) as datetime)
    {%- elif part == 'quarter' -%}
    cast(makedate(year({{ date }}), 1) + interval (quarter({{ date }}) - 1) quarter as datetime)
    {%- else -%}
    cast(makedate(year({{ date }}), 1) as datetime)
    {%- endif -%}
{%- endmacro %}

{% macro mariadb__date_trunc(datepart, date) -%}{{ lm.mysql__date_trunc(datepart, date) }}{%- endmacro %}

{#- hash: md5 of the text (dbt's default casts to TEXT, which CAST rejects) --------------------------------- -#}
{% macro mysql__hash(field) -%}
    {{ lm.mysql__lm_md5('cast(' ~ field ~ ' as ' ~ lm.mysql__lm_type_string() ~ ')') }}
{%- endmacro %}

{% macro mariadb__hash(field) -%}{{ lm.mysql__hash(field) }}{%- endmacro %}

{#- any_value: MariaDB 10.11 has no ANY_VALUE(); MIN() is one of the values on both ------------------------ -#}
{% macro mysql__any_value(expression) -%}
    min({{ expression }})
{%- endmacro %}

{% macro mariadb__any_value(expression) -%}{{ lm.mysql__any_value(expression) }}{%- endmacro %}

{#- bool_or: true if any is true, false if all non-NULL are false, NULL if all are NULL --------------------- -#}
{% macro mysql__bool_or(expression) -%}
    (max(case when ({{ expression }}) then 1 when not ({{ expression }}) then 0 end) = 1)
{%- endmacro %}

{% macro mariadb__bool_or(expression) -%}{{ lm.mysql__bool_or(expression) }}{%- endmacro %}

{#- listagg: GROUP_CONCAT ------------------------------------------------------------------------------------ -#}
{#
    GROUP_CONCAT needs a string literal separator, and silently truncates its result at
    group_concat_max_len bytes (MySQL 8 default 1024; MariaDB 10.11 default 1M): a session running listagg
    over long groups on MySQL 8 must raise it first. No limit_num: MySQL 8's GROUP_CONCAT has no LIMIT.
#}
{% macro mysql__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error("dbt.listagg on " ~ target.type ~ ": limit_num is not supported (MySQL 8 GROUP_CONCAT has no LIMIT)") }}
    {%- endif -%}
    {%- if not modules.re.fullmatch("'(?:[^'\\\\]|'')*'", delimiter_text | trim) -%}
        {{ exceptions.raise_compiler_error("dbt.listagg on " ~ target.type ~ ": delimiter_text must be a SQL string literal, got " ~ delimiter_text) }}
    {%- endif -%}
    group_concat({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %} separator {{ delimiter_text }})
{%- endmacro %}

{% macro mariadb__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {{ lm.mysql__listagg(measure, delimiter_text, order_by_clause, limit_num) }}
{%- endmacro %}

{#- cast_bool_to_text: 'true' / 'false' like PostgreSQL and DuckDB (a MySQL boolean would give '1' / '0') ---- -#}
{% macro mysql__cast_bool_to_text(field) -%}
    (case when ({{ field }}) then 'true' when not ({{ field }}) then 'false' end)
{%- endmacro %}

{% macro mariadb__cast_bool_to_text(field) -%}{{ lm.mysql__cast_bool_to_text(field) }}{%- endmacro %}
