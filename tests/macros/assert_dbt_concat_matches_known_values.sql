-- Guards the project's override of dbt.concat on MySQL/MariaDB (dbt's stock `||` is OR there and
-- returned 0 without an error): parts joined in order, NULL if any part is NULL, as on DuckDB.
with cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 1 as case_id, 'call' as first_part, '_' as second_part, '42' as third_part, 'call_42' as expected
    union all
    select 2, 'call', null, '42', null
    union all
    select 3, '', '', '', ''
    union all
    select 4, 'a', 'b ', 'C', 'ab C'
    -- noqa: enable=AL03,LT09
),

results as (
    select
        case_id,
        {{ dbt.concat(['first_part', 'second_part', 'third_part']) }} as actual,
        expected
    from cases
),

final as (
    select
        case_id,
        actual,
        expected
    from results
    where {{ lm_text_is_distinct_from('actual', 'expected') }}
)

select * from final
