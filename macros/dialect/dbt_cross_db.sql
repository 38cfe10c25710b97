{#-
    Project versions of dbt-core 1.7's cross-database macros (global_project/macros/utils/) where the stock
    ones are wrong on MySQL/MariaDB (silently, or by failing). dbt_project.yml's
    `dispatch: [{macro_namespace: dbt, search_order: [lm, dbt]}]` makes `dbt.<name>(...)` find
    `lm.<adapter>__<name>` first. dbt-mysql's adapter types (mysql, mariadb, mysql5) have no parent, so
    every override exists three times: mysql__ holds the code, mariadb__ and mysql5__ forward to it.
    Never define default__<name> here: it would replace dbt's default for DuckDB as well.
    Not overridden: type_boolean (MySQL has no boolean CAST target; CAST('true' AS SIGNED) is 0, so no
    type name is correct), split_part (SUBSTRING_INDEX returns the last part instead of '' past the end),
    and listagg with limit_num (MySQL 8's GROUP_CONCAT has no LIMIT): those raise or keep failing.
-#}

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

{% macro mysql5__concat(fields) -%}{{ lm.mysql__concat(fields) }}{%- endmacro %}

{#- safe_cast: NULL for text that is not a value of the type, through the lm_try_cast_* macros ------------- -#}

{#
    Classify a dbt/SQL type name for safe_cast. Returns [kind, precision, scale]; kind is one of int,
    decimal, float, string, date, timestamp, other. A bare decimal/numeric gets the engine's own default
    precision (MySQL decimal(10, 0), DuckDB decimal(18, 3)), as a plain cast would.
#}
{% macro lm_safe_cast_kind(type) %}
    {% set name = (type | string | lower | trim) %}
    {% set name = modules.re.sub('\\s+', ' ', name) %}
    {% set decimal_match = modules.re.fullmatch('(?:decimal|numeric|dec|fixed) ?(?:\\( ?([0-9]+) ?(?:, ?([0-9]+) ?)?\\))?', name) %}
    {% if name in ['int', 'integer', 'bigint', 'smallint', 'tinyint', 'mediumint', 'signed', 'signed integer',
                   'int2', 'int4', 'int8', 'int64', 'long'] %}
        {{ return(['int', none, none]) }}
    {% elif decimal_match %}
        {% if decimal_match.group(1) is none %}
            {% if target.type == 'duckdb' %}
                {{ return(['decimal', 18, 3]) }}
            {% else %}
                {{ return(['decimal', 10, 0]) }}
            {% endif %}
        {% endif %}
        {{ return(['decimal', decimal_match.group(1) | int, (decimal_match.group(2) or 0) | int]) }}
    {% elif name in ['float', 'double', 'real', 'double precision', 'float4', 'float8', 'float64'] %}
        {{ return(['float', none, none]) }}
    {% elif modules.re.fullmatch('(?:char|varchar|text|string|nchar|nvarchar|character varying|character)(?: ?\\([0-9]+\\))?', name) %}
        {{ return(['string', none, none]) }}
    {% elif name == 'date' %}
        {{ return(['date', none, none]) }}
    {% elif modules.re.fullmatch('(?:timestamp|datetime)(?: ?\\([0-6]\\))?(?: without time zone)?', name) %}
        {{ return(['timestamp', none, none]) }}
    {% endif %}
    {{ return(['other', none, none]) }}
{% endmacro %}

{% macro mysql__safe_cast(field, type) -%}
    {%- set kind = lm.lm_safe_cast_kind(type) -%}
    {%- if kind[0] == 'int' -%}{{ lm.lm_try_cast_int(field) }}
    {%- elif kind[0] == 'decimal' -%}{{ lm.lm_try_cast_decimal(field, kind[1], kind[2]) }}
    {%- elif kind[0] == 'float' -%}{{ lm.lm_try_cast_float(field) }}
    {%- elif kind[0] == 'string' -%}cast({{ field }} as {{ lm.lm_type_string() }})
    {%- elif kind[0] == 'date' -%}{{ lm.lm_try_cast_date(field) }}
    {%- elif kind[0] == 'timestamp' -%}{{ lm.lm_try_cast_timestamp(field) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("dbt.safe_cast on " ~ target.type ~ ": no safe cast to type " ~ type) }}
    {%- endif -%}
{%- endmacro %}

{% macro mariadb__safe_cast(field, type) -%}{{ lm.mysql__safe_cast(field, type) }}{%- endmacro %}

{% macro mysql5__safe_cast(field, type) -%}{{ lm.mysql__safe_cast(field, type) }}{%- endmacro %}

{#
    dbt-duckdb inherits dbt's plain CAST (errors on bad text). Same accepted syntax as MySQL through the
    lm_try_cast_* macros, then try_cast to the exact requested type (e.g. integer, float); other types use
    DuckDB's own try_cast.
#}
{% macro duckdb__safe_cast(field, type) -%}
    {%- set kind = lm.lm_safe_cast_kind(type) -%}
    {%- if kind[0] == 'int' -%}try_cast({{ lm.lm_try_cast_int(field) }} as {{ type }})
    {%- elif kind[0] == 'decimal' -%}{{ lm.lm_try_cast_decimal(field, kind[1], kind[2]) }}
    {%- elif kind[0] == 'float' -%}try_cast({{ lm.lm_try_cast_float(field) }} as {{ type }})
    {%- elif kind[0] == 'string' -%}cast({{ field }} as {{ type }})
    {%- elif kind[0] == 'date' -%}{{ lm.lm_try_cast_date(field) }}
    {%- elif kind[0] == 'timestamp' -%}{{ lm.lm_try_cast_timestamp(field) }}
    {%- else -%}try_cast({{ field }} as {{ type }})
    {%- endif -%}
{%- endmacro %}

{#- types: names valid inside CAST on MySQL 8 and MariaDB -------------------------------------------------- -#}
{# dbt-mysql's translate_type gives TEXT, which CAST rejects. #}
{% macro mysql__type_string() %}{{ return(lm.mysql__lm_type_string()) }}{% endmacro %}

{% macro mariadb__type_string() %}{{ return(lm.mysql__type_string()) }}{% endmacro %}

{% macro mysql5__type_string() %}{{ return(lm.mysql__type_string()) }}{% endmacro %}

{# dbt's default renders numeric(28,6); MySQL's CAST knows only DECIMAL. #}
{% macro mysql__type_numeric() %}{{ return(lm.mysql__lm_type_decimal(28, 6)) }}{% endmacro %}

{% macro mariadb__type_numeric() %}{{ return(lm.mysql__type_numeric()) }}{% endmacro %}

{% macro mysql5__type_numeric() %}{{ return(lm.mysql__type_numeric()) }}{% endmacro %}

{% macro mysql__type_bigint() %}{{ return(lm.mysql__lm_type_int()) }}{% endmacro %}

{% macro mariadb__type_bigint() %}{{ return(lm.mysql__type_bigint()) }}{% endmacro %}

{% macro mysql5__type_bigint() %}{{ return(lm.mysql__type_bigint()) }}{% endmacro %}

{# dbt-mysql gives INTEGER: MariaDB accepts CAST(... AS INTEGER), MySQL 8 does not. #}
{% macro mysql__type_int() %}{{ return(lm.mysql__lm_type_int()) }}{% endmacro %}

{% macro mariadb__type_int() %}{{ return(lm.mysql__type_int()) }}{% endmacro %}

{% macro mysql5__type_int() %}{{ return(lm.mysql__type_int()) }}{% endmacro %}

{# dbt-mysql gives FLOAT, which CAST makes single precision (0.1 -> 0.10000000149...). #}
{% macro mysql__type_float() %}{{ return(lm.mysql__lm_type_float()) }}{% endmacro %}

{% macro mariadb__type_float() %}{{ return(lm.mysql__type_float()) }}{% endmacro %}

{% macro mysql5__type_float() %}{{ return(lm.mysql__type_float()) }}{% endmacro %}

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

{% macro mysql5__dateadd(datepart, interval, from_date_or_timestamp) -%}
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

{% macro mysql5__datediff(first_date, second_date, datepart) -%}
    {{ lm.mysql__datediff(first_date, second_date, datepart) }}
{%- endmacro %}

{#- date_trunc(datepart, date): a DATETIME on MySQL (DuckDB: a TIMESTAMP) --------------------------------- -#}
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
    cast({{ lm.mysql__lm_week_start(date) }} as datetime)
    {%- elif part == 'month' -%}
    cast({{ lm.mysql__lm_month_start(date) }} as datetime)
    {%- elif part == 'quarter' -%}
    cast(makedate(year({{ date }}), 1) + interval (quarter({{ date }}) - 1) quarter as datetime)
    {%- else -%}
    cast(makedate(year({{ date }}), 1) as datetime)
    {%- endif -%}
{%- endmacro %}

{% macro mariadb__date_trunc(datepart, date) -%}{{ lm.mysql__date_trunc(datepart, date) }}{%- endmacro %}

{% macro mysql5__date_trunc(datepart, date) -%}{{ lm.mysql__date_trunc(datepart, date) }}{%- endmacro %}

{#- hash: md5 of the text (dbt's default casts to TEXT, which CAST rejects) --------------------------------- -#}
{% macro mysql__hash(field) -%}
    {{ lm.mysql__lm_md5('cast(' ~ field ~ ' as ' ~ lm.mysql__lm_type_string() ~ ')') }}
{%- endmacro %}

{% macro mariadb__hash(field) -%}{{ lm.mysql__hash(field) }}{%- endmacro %}

{% macro mysql5__hash(field) -%}{{ lm.mysql__hash(field) }}{%- endmacro %}

{#- any_value: MariaDB 10.11 has no ANY_VALUE(); MIN() is one of the values on both ------------------------ -#}
{% macro mysql__any_value(expression) -%}
    min({{ expression }})
{%- endmacro %}

{% macro mariadb__any_value(expression) -%}{{ lm.mysql__any_value(expression) }}{%- endmacro %}

{% macro mysql5__any_value(expression) -%}{{ lm.mysql__any_value(expression) }}{%- endmacro %}

{#- bool_or: true if any is true, false if all non-NULL are false, NULL if all are NULL --------------------- -#}
{% macro mysql__bool_or(expression) -%}
    (max(case when ({{ expression }}) then 1 when not ({{ expression }}) then 0 end) = 1)
{%- endmacro %}

{% macro mariadb__bool_or(expression) -%}{{ lm.mysql__bool_or(expression) }}{%- endmacro %}

{% macro mysql5__bool_or(expression) -%}{{ lm.mysql__bool_or(expression) }}{%- endmacro %}

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

{% macro mysql5__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {{ lm.mysql__listagg(measure, delimiter_text, order_by_clause, limit_num) }}
{%- endmacro %}

{#- cast_bool_to_text: 'true' / 'false' like PostgreSQL and DuckDB (a MySQL boolean would give '1' / '0') ---- -#}
{% macro mysql__cast_bool_to_text(field) -%}
    (case when ({{ field }}) then 'true' when not ({{ field }}) then 'false' end)
{%- endmacro %}

{% macro mariadb__cast_bool_to_text(field) -%}{{ lm.mysql__cast_bool_to_text(field) }}{%- endmacro %}

{% macro mysql5__cast_bool_to_text(field) -%}{{ lm.mysql__cast_bool_to_text(field) }}{%- endmacro %}
