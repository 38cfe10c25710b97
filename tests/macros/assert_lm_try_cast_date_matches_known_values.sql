-- Guards lm_try_cast_date: YYYY-MM-DD text of a day that exists becomes a date; impossible days
-- (2023-02-29, 2024-04-31), other layouts and garbage become NULL without an error or a MySQL warning.
with cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 1 as case_id, '2024-02-29' as input_text, '2024-02-29' as expected_text
    union all
    select 2, ' 2024-12-31 ', '2024-12-31'
    union all
    select 3, '1000-01-01', '1000-01-01'
    union all
    select 4, '2023-02-29', null
    union all
    select 5, '2024-04-31', null
    union all
    select 6, '2024-13-01', null
    union all
    select 7, '2024-00-10', null
    union all
    select 8, '2024-1-5', null
    union all
    select 9, '2024-12-31 10:00:00', null
    union all
    select 10, '0999-01-01', null
    union all
    select 11, 'abc', null
    union all
    select 12, '', null
    union all
    select 13, null, null
    -- noqa: enable=AL03,LT09
),

results as (
    select
        case_id,
        input_text,
        {{ lm_try_cast_date('input_text') }} as actual,
        cast(expected_text as {{ lm_type_date() }}) as expected
    from cases
),

final as (
    select
        case_id,
        input_text,
        actual,
        expected
    from results
    where {{ lm_is_distinct_from('actual', 'expected') }}
)

select * from final
