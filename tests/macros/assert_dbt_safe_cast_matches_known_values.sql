-- Guards dbt.safe_cast on both engines (the project routes it through the lm_try_cast_* macros): bad text
-- gives NULL for every numeric and date type instead of MySQL's 0 or DuckDB's conversion error, and
-- good text gives the value; types named by dbt's own type macros.
with cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
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
    -- noqa: enable=AL03,LT09
),

results as (
    select
        case_id,
        {{ dbt.safe_cast('bigint_text', dbt.type_bigint()) }} as actual_bigint,
        expected_bigint,
        {{ dbt.safe_cast('numeric_text', dbt.type_numeric()) }} as actual_numeric,
        cast(expected_numeric_text as {{ lm_type_decimal(28, 6) }}) as expected_numeric,
        {{ dbt.safe_cast('float_text', dbt.type_float()) }} as actual_float,
        expected_float,
        {{ dbt.safe_cast('date_text', 'date') }} as actual_date,
        cast(expected_date_text as {{ lm_type_date() }}) as expected_date,
        {{ dbt.safe_cast('timestamp_text', dbt.type_timestamp()) }} as actual_timestamp,
        cast(expected_timestamp_text as {{ lm_type_timestamp() }}) as expected_timestamp,
        {{ dbt.safe_cast('int_text', dbt.type_int()) }} as actual_int,
        expected_int,
        {{ dbt.safe_cast('case_id', dbt.type_string()) }} as actual_string
    from cases
),

final as (
    select
        case_id,
        actual_bigint,
        actual_numeric,
        actual_float,
        actual_date,
        actual_timestamp,
        actual_int,
        actual_string
    from results
    where
        {{ lm_is_distinct_from('actual_bigint', 'expected_bigint') }}
        or {{ lm_is_distinct_from('actual_numeric', 'expected_numeric') }}
        or {{ lm_is_distinct_from('actual_float', 'expected_float') }}
        or {{ lm_is_distinct_from('actual_date', 'expected_date') }}
        or {{ lm_is_distinct_from('actual_timestamp', 'expected_timestamp') }}
        or {{ lm_is_distinct_from('actual_int', 'expected_int') }}
        or {{ lm_text_is_distinct_from('actual_string', lm_concat(['case_id'])) }}
)

select * from final
