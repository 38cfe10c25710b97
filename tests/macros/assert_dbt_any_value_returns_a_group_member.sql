-- Guards the project's dbt.any_value override on MySQL/MariaDB (MariaDB 10.11 has no ANY_VALUE()): one
-- row per group, and the value is one of the group's non-NULL values (or NULL when all are NULL). Not built
-- with lm_known_values: any member of the group is a right answer, so there is no one expected value.
with items as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 'same' as group_name, 5 as item_value
    union all
    select 'same', 5
    union all
    select 'mixed', 1
    union all
    select 'mixed', 2
    union all
    select 'single', 7
    union all
    select 'all_null', null
    -- noqa: enable=AL03,LT09
),

picked as (
    select
        group_name,
        {{ dbt.any_value('item_value') }} as picked_value,
        count(*) as item_count
    from items
    group by group_name
),

failures as (
    select
        group_name,
        picked_value
    from picked
    where
        (picked_value is null and group_name <> 'all_null')
        or (
            picked_value is not null
            and not exists (
                select 1
                from items
                where items.group_name = picked.group_name and items.item_value = picked.picked_value
            )
        )
    union all
    select
        'expected 4 groups' as group_name,
        count(*) as picked_value
    from picked
    having count(*) <> 4
),

final as (
    select
        group_name,
        picked_value
    from failures
)

select * from final
