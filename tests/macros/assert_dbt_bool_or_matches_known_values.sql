-- Guards the project's dbt.bool_or override on MySQL/MariaDB (no BOOL_OR there): true when any row is
-- true, false when all non-NULL rows are false, NULL when every row is NULL, like DuckDB's bool_or.
with items as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 'one_true' as group_name, 1 as flag_value
    union all
    select 'one_true', 0
    union all
    select 'all_false', 0
    union all
    select 'all_false', 0
    union all
    select 'false_and_null', 0
    union all
    select 'false_and_null', null
    union all
    select 'true_and_null', null
    union all
    select 'true_and_null', 1
    union all
    select 'all_null', null
    -- noqa: enable=AL03,LT09
),

expectations as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 'one_true' as group_name, 1 as expected
    union all
    select 'all_false', 0
    union all
    select 'false_and_null', 0
    union all
    select 'true_and_null', 1
    union all
    select 'all_null', null
    -- noqa: enable=AL03,LT09
),

aggregated as (
    select
        group_name,
        {{ lm_bool_to_int(dbt.bool_or('flag_value = 1')) }} as actual
    from items
    group by group_name
),

final as (
    select
        expectations.group_name,
        aggregated.actual,
        expectations.expected
    from expectations
    left join aggregated
        on expectations.group_name = aggregated.group_name
    where
        aggregated.group_name is null
        or {{ lm_is_distinct_from('aggregated.actual', 'expectations.expected') }}
)

select * from final
