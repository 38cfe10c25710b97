-- Guards the project's dbt.date_trunc override on MySQL/MariaDB (dbt's stock date_trunc() fails there)
-- against DuckDB: each datepart from second to year, fractions of a second dropped, ISO weeks starting
-- on Monday, quarters starting in January/April/July/October; NULL in -> NULL out.
{%- set checks = [
    ['second', '2024-05-19 13:47:21'],
    ['minute', '2024-05-19 13:47:00'],
    ['hour', '2024-05-19 13:00:00'],
    ['day', '2024-05-19 00:00:00'],
    ['week', '2024-05-13 00:00:00'],
    ['month', '2024-05-01 00:00:00'],
    ['quarter', '2024-04-01 00:00:00'],
    ['year', '2024-01-01 00:00:00'],
] %}
with cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 1 as case_id, cast('2024-05-19 13:47:21.750000' as {{ lm_type_timestamp() }}) as input_at
    union all
    select 2, null
    -- noqa: enable=AL03,LT09
),

results as (
    {%- for check in checks %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            case_id,
            '{{ check[0] }}' as datepart,
            {{ dbt.date_trunc(check[0], 'input_at') }} as actual,
            case when input_at is not null then cast('{{ check[1] }}' as {{ lm_type_timestamp() }}) end as expected
        from cases
    {%- endfor %}
),

final as (
    select
        case_id,
        datepart,
        actual,
        expected
    from results
    where {{ lm_is_distinct_from('actual', 'expected') }}
)

select * from final
