-- Guards lm_add_interval for each unit (second, minute, hour, day) with positive, negative, zero and NULL
-- amounts taken from a column, across a leap day and a year boundary; a date input gives a timestamp at
-- midnight plus the amount; a fractional amount is rounded half away from zero (2.5 -> 3) on both.
with cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select
        1 as case_id,
        '2024-02-28 23:30:00' as start_text,
        45 as amount,
        '2024-02-28 23:30:45' as expected_plus_seconds,
        '2024-02-29 00:15:00' as expected_plus_minutes,
        '2024-03-01 20:30:00' as expected_plus_hours,
        '2024-04-13 23:30:00' as expected_plus_days
    union all
    select
        2, '2024-02-28 23:30:00', -90,
        '2024-02-28 23:28:30', '2024-02-28 22:00:00', '2024-02-25 05:30:00', '2023-11-30 23:30:00'
    union all
    select
        3, '2024-02-28 23:30:00', 0,
        '2024-02-28 23:30:00', '2024-02-28 23:30:00', '2024-02-28 23:30:00', '2024-02-28 23:30:00'
    union all
    select 4, '2024-02-28 23:30:00', null, null, null, null, null
    union all
    select 5, null, 1, null, null, null, null
    -- noqa: enable=AL03,LT09
),

typed_cases as (
    select
        case_id,
        cast(start_text as {{ lm_type_timestamp() }}) as started_at,
        amount,
        cast(expected_plus_seconds as {{ lm_type_timestamp() }}) as expected_plus_seconds,
        cast(expected_plus_minutes as {{ lm_type_timestamp() }}) as expected_plus_minutes,
        cast(expected_plus_hours as {{ lm_type_timestamp() }}) as expected_plus_hours,
        cast(expected_plus_days as {{ lm_type_timestamp() }}) as expected_plus_days
    from cases
),

column_results as (
    select
        case_id,
        {{ lm_add_interval('started_at', 'amount', 'second') }} as actual_plus_seconds,
        expected_plus_seconds,
        {{ lm_add_interval('started_at', 'amount', 'minute') }} as actual_plus_minutes,
        expected_plus_minutes,
        {{ lm_add_interval('started_at', 'amount', 'hour') }} as actual_plus_hours,
        expected_plus_hours,
        {{ lm_add_interval('started_at', 'amount', 'day') }} as actual_plus_days,
        expected_plus_days
    from typed_cases
),

literal_results as (
    select
        101 as case_id,
        {{ lm_add_interval("cast('2024-01-01 10:00:00' as " ~ lm_type_timestamp() ~ ")", 2.5, 'hour') }} as actual,
        cast('2024-01-01 13:00:00' as {{ lm_type_timestamp() }}) as expected
    union all
    select
        102 as case_id,
        {{ lm_add_interval("cast('2024-01-01 10:00:00' as " ~ lm_type_timestamp() ~ ")", -1, 'day') }} as actual,
        cast('2023-12-31 10:00:00' as {{ lm_type_timestamp() }}) as expected
    union all
    select
        103 as case_id,
        {{ lm_add_interval("cast('2024-01-31' as " ~ lm_type_date() ~ ")", 1, 'day') }} as actual,
        cast('2024-02-01 00:00:00' as {{ lm_type_timestamp() }}) as expected
    union all
    select
        104 as case_id,
        {{ lm_add_interval("cast('2024-12-31' as " ~ lm_type_date() ~ ")", 90, 'minute') }} as actual,
        cast('2024-12-31 01:30:00' as {{ lm_type_timestamp() }}) as expected
    union all
    select
        105 as case_id,
        {{ lm_add_interval(
            "cast('2024-01-01 10:00:00.250000' as " ~ lm_type_timestamp() ~ ")", 1, 'second'
        ) }} as actual,
        cast('2024-01-01 10:00:01.250000' as {{ lm_type_timestamp() }}) as expected
),

final as (
    select
        case_id,
        actual_plus_seconds as actual,
        expected_plus_seconds as expected
    from column_results
    where {{ lm_is_distinct_from('actual_plus_seconds', 'expected_plus_seconds') }}
    union all
    select
        case_id + 10 as case_id,
        actual_plus_minutes as actual,
        expected_plus_minutes as expected
    from column_results
    where {{ lm_is_distinct_from('actual_plus_minutes', 'expected_plus_minutes') }}
    union all
    select
        case_id + 20 as case_id,
        actual_plus_hours as actual,
        expected_plus_hours as expected
    from column_results
    where {{ lm_is_distinct_from('actual_plus_hours', 'expected_plus_hours') }}
    union all
    select
        case_id + 30 as case_id,
        actual_plus_days as actual,
        expected_plus_days as expected
    from column_results
    where {{ lm_is_distinct_from('actual_plus_days', 'expected_plus_days') }}
    union all
    select
        case_id,
        actual,
        expected
    from literal_results
    where {{ lm_is_distinct_from('actual', 'expected') }}
)

select * from final
