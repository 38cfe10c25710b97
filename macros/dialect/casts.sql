{#-
    Safe casts from text, the SQL behind the project's dbt.safe_cast overrides (dbt_cross_db.sql): NULL
    (never 0, never an error, never a MySQL warning that strict mode would turn into an error inside
    INSERT ... SELECT / CREATE TABLE ... AS SELECT) for text that is not a value of the type. Leading and
    trailing spaces are trimmed (spaces only, not tabs or newlines, on every engine). The accepted syntax
    is the same on every engine because both implementations first full-match the same regular expression
    (lm_try_cast_pattern); the engine's own cast only runs on text that passed. Feed them text: other input
    goes through the engine's own text conversion first, which differs for floats.
-#}

{#
    The accepted text of each kind, as a regular expression returned as a SQL string literal. Shared by
    both implementations. It keeps to the subset that means the same in MySQL 8 (ICU), MariaDB (PCRE2)
    and DuckDB (RE2): bracket classes ([0-9], [.] for a literal dot: MySQL string literals eat
    backslashes), ^ $ anchors, * + ? {m,n} quantifiers, | and (?: ) groups.
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

{#
    lm_mysql_try_cast(expr, kind, precision, scale): MySQL 8 / MariaDB. kind is int, decimal, float, date
    or timestamp (the types of lm_type_int, lm_type_decimal(precision, scale), lm_type_float, date and
    lm_type_timestamp). After the full match (a sentinel '#' is appended and anchored on, because `$` in
    ICU and PCRE2 also matches before a final newline, and `(?-i)` switches off the collation's
    case-insensitive matching), each kind guards the cast against what would warn:
    - int: CAST('abc' AS SIGNED) is 0 and out-of-range text is clamped, with a warning: range check
      through decimal(65, 0) first.
    - decimal: the pattern bounds the integer digits, so the wide decimal(65, scale) cast cannot overflow;
      the range check then catches values that only overflow after rounding ('99.999' as decimal(4, 2)),
      which MySQL would clamp to 99.99 with a warning (DuckDB's try_cast gives NULL).
    - date, timestamp: the day must exist in its month (CAST('2024-02-30' AS DATE) is NULL with a warning,
      error 1292 under strict mode); the first of the month always exists.
#}
{% macro lm_mysql_try_cast(expr, kind, precision=none, scale=none) -%}
    {%- set text = 'trim(cast(' ~ expr ~ ' as ' ~ lm.mysql__lm_type_string() ~ '))' -%}
    {%- if kind == 'decimal' -%}
        {%- set checked = lm.lm_check_decimal_args(precision, scale) -%}
        {%- set pattern = lm.lm_try_cast_pattern(kind, checked[0], checked[1]) -%}
        {%- set wide = 'cast(' ~ text ~ ' as decimal(65, ' ~ checked[1] ~ '))' -%}
    {%- else -%}
        {%- set pattern = lm.lm_try_cast_pattern(kind) -%}
    {%- endif -%}
    (case
        when (concat({{ text }}, '#') regexp concat('(?-i)^(?:', {{ pattern }}, ')#$'))
            then
            {%- if kind == 'int' %} (case
                when cast({{ text }} as decimal(65, 0)) between -9223372036854775808 and 9223372036854775807
                    then cast({{ text }} as signed)
            end)
            {%- elif kind == 'decimal' %} (case
                when abs({{ wide }}) < 1{{ '0' * (checked[0] - checked[1]) }}
                    then cast({{ wide }} as {{ lm.lm_type_decimal(checked[0], checked[1]) }})
            end)
            {%- elif kind == 'float' %} cast({{ text }} as {{ lm.lm_type_float() }})
            {%- else %} (case
                when cast(substring({{ text }}, 9, 2) as unsigned)
                    <= dayofmonth(last_day(cast(concat(substring({{ text }}, 1, 7), '-01') as date)))
                    then cast({{ text }} as {{ 'date' if kind == 'date' else lm.mysql__lm_type_timestamp() }})
            end)
            {%- endif %}
    end)
{%- endmacro %}

{#
    lm_duckdb_try_cast(expr, kind, precision, scale): DuckDB. The full match, then try_cast: try_cast
    alone would accept '12.5' (-> 13), '1e3', '1_000' and '0x1F' as integers, 'inf', 'nan' and '1_0.5' as
    floats, and a 'T' separator in timestamps.
#}
{% macro lm_duckdb_try_cast(expr, kind, precision=none, scale=none) -%}
    {%- set text = 'trim(cast(' ~ expr ~ ' as varchar))' -%}
    {%- if kind == 'decimal' -%}
        {%- set checked = lm.lm_check_decimal_args(precision, scale) -%}
        {%- set pattern = lm.lm_try_cast_pattern(kind, checked[0], checked[1]) -%}
        {%- set type = lm.lm_type_decimal(checked[0], checked[1]) -%}
    {%- else -%}
        {%- set pattern = lm.lm_try_cast_pattern(kind) -%}
        {%- set types = {'int': 'bigint', 'float': lm.lm_type_float(), 'date': 'date', 'timestamp': 'timestamp'} -%}
        {%- set type = types[kind] -%}
    {%- endif -%}
    (case
        when regexp_full_match({{ text }}, {{ pattern }})
            then try_cast({{ text }} as {{ type }})
    end)
{%- endmacro %}
