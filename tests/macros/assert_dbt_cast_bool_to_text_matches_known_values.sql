-- Guards the project's dbt.cast_bool_to_text override on MySQL/MariaDB (a MySQL boolean is an integer
-- and would render '1' / '0'): 'true' / 'false' like DuckDB and PostgreSQL, NULL stays NULL.
with cases as (
    select 1 as case_id, 3 as left_value, 3 as right_value, 'true' as expected
    union all
    select 2, 3, 4, 'false'
    union all
    select 3, null, 4, null
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
