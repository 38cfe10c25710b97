-- Guards dbt's type macros inside CAST on both engines (on MySQL/MariaDB dbt-mysql's TEXT, numeric and
-- bigint failed, INTEGER fails on MySQL 8 and FLOAT is single precision): bigint holds 64-bit values,
-- int holds negatives, numeric is decimal(28, 6) rounded half away from zero, string renders numbers.
-- dbt-duckdb's own type_float is DuckDB's 4-byte FLOAT (not overridden here), so the float tolerance is
-- 1e-7 there and exact on MySQL/MariaDB, where the project makes it DOUBLE.
{%- set float_tolerance = 1e-7 if target.type == 'duckdb' else 0 %}
with checks as (
    select
        cast('12345678901' as {{ dbt.type_bigint() }}) as actual_bigint,
        cast('-7' as {{ dbt.type_int() }}) as actual_int,
        cast('1.2345678' as {{ dbt.type_numeric() }}) as actual_numeric,
        cast('-1.2345675' as {{ dbt.type_numeric() }}) as actual_negative_numeric,
        cast('0.1' as {{ dbt.type_float() }}) as actual_float,
        cast(123 as {{ dbt.type_string() }}) as actual_string
),

final as (
    select
        actual_bigint,
        actual_int,
        actual_numeric,
        actual_negative_numeric,
        actual_float,
        actual_string
    from checks
    where
        {{ lm_is_distinct_from('actual_bigint', '12345678901') }}
        or {{ lm_is_distinct_from('actual_int', '-7') }}
        or {{ lm_is_distinct_from('actual_numeric', '1.234568') }}
        or {{ lm_is_distinct_from('actual_negative_numeric', '-1.234568') }}
        or abs(actual_float - 0.1e0) > {{ float_tolerance }}
        or {{ lm_text_is_distinct_from('actual_string', "'123'") }}
)

select * from final
