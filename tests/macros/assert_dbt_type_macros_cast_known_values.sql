-- Guards dbt's type macros inside CAST on both engines (on MySQL/MariaDB dbt-mysql's TEXT, numeric and
-- bigint failed, INTEGER fails on MySQL 8 and FLOAT is single precision): bigint holds 64-bit values,
-- int holds negatives, numeric is decimal(28, 6) rounded half away from zero, string renders numbers.
-- dbt-duckdb's own type_float is DuckDB's 4-byte FLOAT (not overridden here), so the float tolerance is
-- 1e-7 there and exact on MySQL/MariaDB, where the project makes it DOUBLE.
{{ lm_known_values(none, key=none, checks=[
    {'name': 'bigint', 'actual': "cast('12345678901' as " ~ dbt.type_bigint() ~ ")", 'expected': '12345678901'},
    {'name': 'int', 'actual': "cast('-7' as " ~ dbt.type_int() ~ ")", 'expected': '-7'},
    {'name': 'numeric', 'actual': "cast('1.2345678' as " ~ dbt.type_numeric() ~ ")", 'expected': '1.234568'},
    {
        'name': 'negative numeric',
        'actual': "cast('-1.2345675' as " ~ dbt.type_numeric() ~ ")",
        'expected': '-1.234568',
    },
    {
        'name': 'float',
        'actual': "cast('0.1' as " ~ dbt.type_float() ~ ")",
        'expected': '0.1e0',
        'absolute_tolerance': 1e-7 if target.type == 'duckdb' else 0,
    },
    {'name': 'string', 'actual': 'cast(123 as ' ~ dbt.type_string() ~ ')', 'expected': "'123'", 'compare': 'text'},
]) }}
