-- Guards the project's dbt.listagg override on MySQL/MariaDB (GROUP_CONCAT): values joined with the given
-- delimiter in the given order, NULL values skipped, NULL for a group of NULLs; same text as DuckDB's
-- string_agg. Compared byte for byte.
with items as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 'abc' as group_name, 'b' as item_value
    union all
    select 'abc', 'a'
    union all
    select 'abc', 'c'
    union all
    select 'with_null', 'x'
    union all
    select 'with_null', null
    union all
    select 'all_null', null
    -- noqa: enable=AL03,LT09
),

expectations as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 'abc' as group_name, 'a, b, c' as expected_ascending, 'c|b|a' as expected_descending
    union all
    select 'with_null', 'x', 'x'
    union all
    select 'all_null', null, null
    -- noqa: enable=AL03,LT09
),

aggregated as (
    select
        group_name,
        {{ dbt.listagg('item_value', "', '", 'order by item_value') }} as actual_ascending,
        {{ dbt.listagg('item_value', "'|'", 'order by item_value desc') }} as actual_descending
    from items
    group by group_name
),

final as (
    select
        expectations.group_name,
        aggregated.actual_ascending,
        aggregated.actual_descending
    from expectations
    left join aggregated
        on expectations.group_name = aggregated.group_name
    where
        aggregated.group_name is null
        or {{ lm_text_is_distinct_from('aggregated.actual_ascending', 'expectations.expected_ascending') }}
        or {{ lm_text_is_distinct_from('aggregated.actual_descending', 'expectations.expected_descending') }}
)

select * from final
