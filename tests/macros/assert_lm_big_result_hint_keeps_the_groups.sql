-- Guards lm_big_result_hint: a GROUP BY select carrying it returns exactly the groups and aggregates
-- worked out by hand (NULL group included), on every engine - the hint changes how MySQL/MariaDB group
-- (a sort, not a temporary table), never what they return. A hint the engine rejects fails to compile.
{%- set case_rows %}
    select 'a' as group_key, 1 as amount
    union all
    select 'b', 2
    union all
    select 'a', 3
    union all
    select null, 4
    union all
    select 'b', 5
    union all
    select 'c', 6
{%- endset %}
{%- set expected_rows %}
    select 'a' as group_key, 2 as group_rows, 4 as amount_total
    union all
    select 'b', 2, 7
    union all
    select 'c', 1, 6
    union all
    select null, 1, 4
{%- endset %}

with

cases as (
    {{ case_rows }}
),

expected as (
    {{ expected_rows }}
),

hinted as (
    select {{ lm_big_result_hint() }}
        group_key,
        count(*) as group_rows,
        sum(amount) as amount_total
    from cases
    group by group_key
),

missing as (
    select
        'expected group not returned' as problem,
        expected.group_key
    from expected
    where not exists (
        select 1 as is_found
        from hinted
        where
            not {{ lm_is_distinct_from('hinted.group_key', 'expected.group_key') }}
            and hinted.group_rows = expected.group_rows
            and hinted.amount_total = expected.amount_total
    )
),

extra as (
    select
        'group count differs' as problem,
        null as group_key
    from (select count(*) as group_count from hinted) as counted
    where counted.group_count <> 4
),

final as (
    select
        problem,
        group_key
    from missing
    union all
    select
        problem,
        group_key
    from extra
)

select * from final
