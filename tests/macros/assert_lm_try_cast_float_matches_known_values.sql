-- Guards lm_try_cast_float: decimal or exponent text becomes a double; anything else (including 'inf',
-- 'nan', '1_0.5' that DuckDB's TRY_CAST accepts, and exponents beyond two digits) becomes NULL, never 0.
-- Compared with a relative tolerance of 1e-12; NULL must match NULL exactly.
with cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 1 as case_id, '1.5' as input_text, 1.5e0 as expected
    union all
    select 2, ' -2.25 ', -2.25e0
    union all
    select 3, '1e3', 1000e0
    union all
    select 4, '2.5E-2', 0.025e0
    union all
    select 5, '.5', 0.5e0
    union all
    select 6, '5.', 5e0
    union all
    select 7, '+7', 7e0
    union all
    select 8, 'abc', null
    union all
    select 9, '', null
    union all
    select 10, 'inf', null
    union all
    select 11, 'nan', null
    union all
    select 12, '1e400', null
    union all
    select 13, '1_0.5', null
    union all
    select 14, '1.5.5', null
    union all
    select 15, 'e5', null
    union all
    select 16, null, null
    -- noqa: enable=AL03,LT09
),

results as (
    select
        case_id,
        input_text,
        {{ lm_try_cast_float('input_text') }} as actual,
        expected
    from cases
),

final as (
    select
        case_id,
        input_text,
        actual,
        expected
    from results
    where
        {{ lm_is_distinct_from('actual is null', 'expected is null') }}
        or abs(actual - expected) > 1e-12 * abs(expected)
)

select * from final
