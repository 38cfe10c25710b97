-- Guards dbt.safe_cast on both engines (the project routes it through lm_mysql_try_cast and
-- lm_duckdb_try_cast): bad text gives NULL for every numeric and date type instead of MySQL's 0 or
-- DuckDB's conversion error, and good text gives the value; types named by dbt's own type macros.
-- The assert_dbt_safe_cast_<kind> tests go through each kind in detail.
{%- set cases %}
    select
        1 as case_id,
        '12345678901' as bigint_text,
        '1.2345678' as numeric_text,
        '0.5' as float_text,
        '2024-02-29' as date_text,
        '2024-02-29 10:11:12' as timestamp_text,
        '42' as int_text,
        12345678901 as expected_bigint,
        '1.234568' as expected_numeric_text,
        0.5e0 as expected_float,
        '2024-02-29' as expected_date_text,
        '2024-02-29 10:11:12' as expected_timestamp_text,
        42 as expected_int
    union all
    select 2, 'abc', 'abc', 'x', '2024-02-30', 'noon', 'forty', null, null, null, null, null, null
    union all
    select 3, '12.5', '1e3', '', '', '2024-02-29T10:11:12', '4.2', null, null, null, null, null, null
    union all
    select
        4, '', ' -0.0000005 ', ' -2.5e1 ', ' 2024-12-31 ', '2024-12-31', ' -7 ',
        null, '-0.000001', -25e0, '2024-12-31', '2024-12-31 00:00:00', -7
    union all
    select 5, null, null, null, null, null, null, null, null, null, null, null, null
{%- endset %}
{{ lm_known_values(cases, checks=[
    {'name': 'bigint', 'actual': dbt.safe_cast('bigint_text', dbt.type_bigint()), 'expected': 'expected_bigint'},
    {
        'name': 'numeric',
        'actual': dbt.safe_cast('numeric_text', dbt.type_numeric()),
        'expected': 'cast(expected_numeric_text as ' ~ lm_type_decimal(28, 6) ~ ')',
    },
    {'name': 'float', 'actual': dbt.safe_cast('float_text', dbt.type_float()), 'expected': 'expected_float'},
    {
        'name': 'date',
        'actual': dbt.safe_cast('date_text', 'date'),
        'expected': 'cast(expected_date_text as date)',
    },
    {
        'name': 'timestamp',
        'actual': dbt.safe_cast('timestamp_text', dbt.type_timestamp()),
        'expected': 'cast(expected_timestamp_text as ' ~ lm_type_timestamp() ~ ')',
    },
    {'name': 'int', 'actual': dbt.safe_cast('int_text', dbt.type_int()), 'expected': 'expected_int'},
    {
        'name': 'string',
        'actual': dbt.safe_cast('case_id', dbt.type_string()),
        'expected': lm_concat(['case_id']),
        'compare': 'text',
    },
]) }}
