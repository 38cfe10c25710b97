-- Guards lm_bool_to_int: a boolean expression and an integer flag (TINYINT(1) style, any non-zero value is
-- true) become 1 / 0, and NULL stays NULL (not 0).
with cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select
        1 as case_id,
        1 as flag_value,
        3 as left_value,
        3 as right_value,
        1 as expected_from_flag,
        1 as expected_from_comparison
    union all
    select 2, 0, 3, 4, 0, 0
    union all
    select 3, null, null, 4, null, null
    union all
    select 4, 2, 4, null, 1, null
    union all
    select 5, -1, 0, 0, 1, 1
    -- noqa: enable=AL03,LT09
),

results as (
    select
        case_id,
        {{ lm_bool_to_int('flag_value') }} as actual_from_flag,
        expected_from_flag,
        {{ lm_bool_to_int('left_value = right_value') }} as actual_from_comparison,
        expected_from_comparison
    from cases
),

final as (
    select
        case_id,
        actual_from_flag,
        expected_from_flag,
        actual_from_comparison,
        expected_from_comparison
    from results
    where
        {{ lm_is_distinct_from('actual_from_flag', 'expected_from_flag') }}
        or {{ lm_is_distinct_from('actual_from_comparison', 'expected_from_comparison') }}
)

select * from final
