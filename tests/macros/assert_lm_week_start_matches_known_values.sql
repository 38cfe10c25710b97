-- Guards lm_week_start: the Monday on or before the date of a timestamp (ISO weeks, not Sunday-based),
-- as a date, across month and year boundaries (2023-01-01 is a Sunday: week of 2022-12-26), NULL -> NULL.
with cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 1 as case_id, '2024-05-13 00:00:00' as input_text, '2024-05-13' as expected_text
    union all
    select 2, '2024-05-19 23:59:59.999999', '2024-05-13'
    union all
    select 3, '2023-01-01 12:30:00', '2022-12-26'
    union all
    select 4, '2024-03-01 09:00:00', '2024-02-26'
    union all
    select 5, '2024-01-03 18:45:00', '2024-01-01'
    union all
    select 6, '2024-12-31 01:00:00', '2024-12-30'
    union all
    select 7, '2024-02-29 13:00:00', '2024-02-26'
    union all
    select 8, null, null
    -- noqa: enable=AL03,LT09
),

typed_cases as (
    select
        case_id,
        cast(input_text as {{ lm_type_timestamp() }}) as input_at,
        cast(expected_text as {{ lm_type_date() }}) as expected
    from cases
),

results as (
    select
        case_id,
        input_at,
        {{ lm_week_start('input_at') }} as actual,
        expected
    from typed_cases
),

final as (
    select
        case_id,
        input_at,
        actual,
        expected
    from results
    where
        {{ lm_is_distinct_from('actual', 'expected') }}
)

select * from final
