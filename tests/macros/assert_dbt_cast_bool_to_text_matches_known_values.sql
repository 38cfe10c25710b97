-- Guards the project's dbt.cast_bool_to_text override on MySQL/MariaDB (a MySQL boolean is an integer
-- and would render '1' / '0'): 'true' / 'false' like DuckDB and PostgreSQL, NULL stays NULL.
with cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 1 as case_id, 3 as left_value, 3 as right_value, 'true' as expected
    union all
    select 2, 3, 4, 'false'
    union all
    select 3, null, 4, null
    -- noqa: enable=AL03,LT09
),

results as (
    select
        case_id,
        {{ dbt.cast_bool_to_text('left_value = right_value') }} as actual,
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
