-- Guards lm_safe_divide: float division (1 / 3 is 0.333..., not MySQL's DECIMAL 0.3333, and not integer
-- division), NULL for a zero (integer, decimal or float) or NULL denominator, NULL for a NULL numerator,
-- signs kept. Compared with a relative tolerance of 1e-12; NULL must match NULL exactly.
with integer_cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 1 as case_id, 1 as numerator, 3 as denominator, 0.3333333333333333e0 as expected
    union all
    select 2, -7, 2, -3.5e0
    union all
    select 3, 1, 0, null
    union all
    select 4, 0, 0, null
    union all
    select 5, null, 2, null
    union all
    select 6, 2, null, null
    union all
    select 7, 0, 5, 0e0
    -- noqa: enable=AL03,LT09
),

decimal_cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 11 as case_id, '7.5' as numerator_text, '2.5' as denominator_text, 3e0 as expected
    union all
    select 12, '1', '0.00', null
    union all
    select 13, '2', '3', 0.6666666666666666e0
    -- noqa: enable=AL03,LT09
),

float_cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 21 as case_id, 1e0 as numerator, 0e0 as denominator, null as expected
    union all
    select 22, 1e0, -0e0, null
    union all
    select 23, 1e0, 4e0, 0.25e0
    -- noqa: enable=AL03,LT09
),

results as (
    select
        case_id,
        {{ lm_safe_divide('numerator', 'denominator') }} as actual,
        expected
    from integer_cases
    union all
    select
        case_id,
        {{ lm_safe_divide(
            "cast(numerator_text as " ~ lm_type_decimal(6, 2) ~ ")",
            "cast(denominator_text as " ~ lm_type_decimal(6, 2) ~ ")"
        ) }},
        expected
    from decimal_cases
    union all
    select
        case_id,
        {{ lm_safe_divide('numerator', 'denominator') }},
        expected
    from float_cases
),

final as (
    select
        case_id,
        actual,
        expected
    from results
    where
        {{ lm_is_distinct_from('actual is null', 'expected is null') }}
        or abs(actual - expected) > 1e-12 * abs(expected)
)

select * from final
