-- Guards the "no error, no warning" promise of the dialect macros on dirty input. MySQL/MariaDB strict
-- mode (STRICT_TRANS_TABLES, ERROR_FOR_DIVISION_BY_ZERO) turns a warning raised while computing a value
-- (CAST('abc' AS SIGNED), CAST('2024-02-30' AS DATE), x / 0, out-of-range decimals) into an error inside
-- INSERT ... SELECT and CREATE TABLE ... AS SELECT, i.e. inside every model, even though a plain SELECT
-- only warns. At compile time this test runs every macro over bad text, then reads SHOW WARNINGS on the
-- same connection and returns one row per warning or note. On DuckDB the probe itself must not raise a
-- conversion error (it would fail this test), and there is no warning list to read. Not built with
-- lm_known_values: what it checks is the warning list of a statement run at compile time, not values.
{%- set probe_sql %}
with bad_inputs as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 'abc' as input_text, 0 as zero_value
    union all
    select '', 0
    union all
    select ' 12 ', 0
    union all
    select '12.5', 0
    union all
    select '99999999999999999999999', 0
    union all
    select '{{ "9" * 70 }}.5', 0
    union all
    select '9223372036854775808', 0
    union all
    select '9999.995', 0
    union all
    select '1e400', 0
    union all
    select '2024-02-30', 0
    union all
    select '2023-02-29 10:00:00', 0
    union all
    select '12{{ "\n" }}', 0
    union all
    select '{"a": null}', 0
    union all
    select null, null
    -- noqa: enable=AL03,LT09
)

select
    {{ dbt.safe_cast('input_text', 'bigint') }} as try_int,
    {{ dbt.safe_cast('input_text', 'decimal(6, 2)') }} as try_decimal,
    {{ dbt.safe_cast('input_text', 'double') }} as try_float,
    {{ dbt.safe_cast('input_text', 'date') }} as try_date,
    {{ dbt.safe_cast('input_text', 'timestamp') }} as try_timestamp,
    {{ dbt.safe_cast('input_text', dbt.type_bigint()) }} as safe_bigint,
    {{ dbt.safe_cast('input_text', dbt.type_numeric()) }} as safe_numeric,
    {{ lm_safe_divide('1', 'zero_value') }} as divided,
    {{ lm_safe_divide('zero_value', 'zero_value') }} as divided_zero,
    {{ lm_concat(['input_text', 'zero_value']) }} as concatenated,
    {{ lm_md5('input_text') }} as hashed,
    {{ lm_clamp('zero_value', '1', '2') }} as clamped,
    {{ lm_bool_to_int('zero_value') }} as flag,
    {{ lm_json_object([['text', 'input_text'], ['zero', 'zero_value']]) }} as built_json,
    {{ lm_json_extract_number(lm_json_object([['text', 'input_text']]), 'text') }} as json_number,
    {{ lm_json_extract_string(lm_json_object([['text', 'input_text']]), 'text') }} as json_string
from bad_inputs
{%- endset %}

{%- set warning_rows = [] %}
{%- if execute %}
    {%- do run_query(probe_sql) %}
    {%- if target.type != 'duckdb' %}
        {%- set warnings = run_query('show warnings') %}
        {%- for row in warnings.rows %}
            {%- do warning_rows.append([row[0], row[1], row[2]]) %}
        {%- endfor %}
    {%- endif %}
{%- endif %}

with warnings_raised as (
    select
        cast(null as {{ lm_type_string() }}) as warning_level,
        cast(null as {{ lm_type_int() }}) as warning_code,
        cast(null as {{ lm_type_string() }}) as warning_message
    {%- for warning in warning_rows %}
    union all
    select
        '{{ warning[0] }}',
        {{ warning[1] | int }},
        '{{ warning[2] | replace("'", "''") | replace("\\", "\\\\") }}'
    {%- endfor %}
),

final as (
    select
        warning_level,
        warning_code,
        warning_message
    from warnings_raised
    where warning_level is not null
)

select * from final
