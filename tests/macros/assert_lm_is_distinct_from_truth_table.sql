-- Guards lm_is_distinct_from, the NULL-safe comparison every other test in tests/macros relies on:
-- NULL vs NULL is not distinct, NULL vs a value is, and the result is never NULL (a plain `<>` would
-- give NULL and hide failures). Returns the cases whose result differs from the truth table.
with integer_cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 1 as case_id, 1 as left_value, 1 as right_value, 0 as expected_distinct
    union all
    select 2, 1, 2, 1
    union all
    select 3, 1, null, 1
    union all
    select 4, null, 1, 1
    union all
    select 5, null, null, 0
    union all
    select 6, 0, null, 1
    -- noqa: enable=AL03,LT09
),

text_cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 11 as case_id, 'a' as left_value, 'a' as right_value, 0 as expected_distinct
    union all
    select 12, 'a', 'b', 1
    union all
    select 13, '', null, 1
    union all
    select 14, null, null, 0
    -- noqa: enable=AL03,LT09
),

results as (
    select
        case_id,
        case when {{ lm_is_distinct_from('left_value', 'right_value') }} then 1 else 0 end as actual_distinct,
        case when {{ lm_is_distinct_from('left_value', 'right_value') }} is null then 1 else 0 end as actual_is_null,
        expected_distinct
    from integer_cases
    union all
    select
        case_id,
        case when {{ lm_is_distinct_from('left_value', 'right_value') }} then 1 else 0 end as actual_distinct,
        case when {{ lm_is_distinct_from('left_value', 'right_value') }} is null then 1 else 0 end as actual_is_null,
        expected_distinct
    from text_cases
),

final as (
    select
        case_id,
        actual_distinct,
        actual_is_null,
        expected_distinct
    from results
    where actual_distinct <> expected_distinct or actual_is_null = 1
)

select * from final
