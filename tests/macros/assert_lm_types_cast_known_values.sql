-- Guards the lm_type_* names inside CAST on both engines: the int type is signed 64-bit (a 32-bit or
-- unsigned type, or a double, would change these values), the float type is double precision (a FLOAT
-- cast turns 0.1 into 0.100000001...), decimal rounds to its scale, the timestamp type keeps
-- microseconds (MySQL's plain DATETIME rounds .75 up, MariaDB's truncates it), the date type drops the
-- time, and the string type keeps long text whole. Returns every check whose result is wrong.
with int_checks as (
    select
        1 as case_id,
        cast('9007199254740993' as {{ lm_type_int() }}) as actual,
        9007199254740993 as expected
    union all
    select 2, cast('-9223372036854775807' as {{ lm_type_int() }}), -9223372036854775807
    union all
    select 3, cast('-5' as {{ lm_type_int() }}), -5
),

float_checks as (
    select
        11 as case_id,
        cast('0.1' as {{ lm_type_float() }}) as actual,
        0.1e0 as expected
    union all
    select 12, cast('123456789.123' as {{ lm_type_float() }}), 123456789.123e0
),

decimal_checks as (
    select
        21 as case_id,
        cast('1.235' as {{ lm_type_decimal(6, 2) }}) as actual,
        1.24 as expected
    union all
    select 22, cast('-1.235' as {{ lm_type_decimal(6, 2) }}), -1.24
    union all
    select 23, cast('1234.5' as {{ lm_type_decimal(6, 2) }}), 1234.50
),

timestamp_checks as (
    select
        31 as case_id,
        case
            when cast('2024-01-02 03:04:05.750000' as {{ lm_type_timestamp() }})
                > cast('2024-01-02 03:04:05' as {{ lm_type_timestamp() }})
                and cast('2024-01-02 03:04:05.750000' as {{ lm_type_timestamp() }})
                < cast('2024-01-02 03:04:06' as {{ lm_type_timestamp() }})
                then 1
            else 0
        end as actual,
        1 as expected
    union all
    select
        32,
        {{ lm_hour_of("cast('2024-01-02 23:04:05' as " ~ lm_type_timestamp() ~ ")") }},
        23
),

date_checks as (
    select
        41 as case_id,
        case
            when cast(cast('2024-02-29 23:59:59' as {{ lm_type_timestamp() }}) as {{ lm_type_date() }})
                = cast('2024-02-29' as {{ lm_type_date() }})
                then 1
            else 0
        end as actual,
        1 as expected
),

string_checks as (
    select
        51 as case_id,
        cast(12345 as {{ lm_type_string() }}) as actual,
        '12345' as expected
    union all
    select 52, cast(repeat('x', 300) as {{ lm_type_string() }}), repeat('x', 300)
    union all
    select 53, cast('приём' as {{ lm_type_string() }}), 'приём'
),

failures as (
    select
        'int' as type_name,
        case_id,
        cast(actual as {{ lm_type_string() }}) as actual,
        cast(expected as {{ lm_type_string() }}) as expected
    from int_checks
    where {{ lm_is_distinct_from('actual', 'expected') }}
    union all
    select 'float', case_id, cast(actual as {{ lm_type_string() }}), cast(expected as {{ lm_type_string() }})
    from float_checks
    where {{ lm_is_distinct_from('actual', 'expected') }}
    union all
    select 'decimal', case_id, cast(actual as {{ lm_type_string() }}), cast(expected as {{ lm_type_string() }})
    from decimal_checks
    where {{ lm_is_distinct_from('actual', 'expected') }}
    union all
    select 'timestamp', case_id, cast(actual as {{ lm_type_string() }}), cast(expected as {{ lm_type_string() }})
    from timestamp_checks
    where {{ lm_is_distinct_from('actual', 'expected') }}
    union all
    select 'date', case_id, cast(actual as {{ lm_type_string() }}), cast(expected as {{ lm_type_string() }})
    from date_checks
    where {{ lm_is_distinct_from('actual', 'expected') }}
    union all
    select 'string', case_id, cast(actual as {{ lm_type_string() }}), cast(expected as {{ lm_type_string() }})
    from string_checks
    where {{ lm_text_is_distinct_from('actual', 'expected') }}
),

final as (
    select
        type_name,
        case_id,
        actual,
        expected
    from failures
)

select * from final
