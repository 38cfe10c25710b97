-- Guards the project's dbt.datediff override on MySQL/MariaDB (dbt's stock datediff() fails there) against
-- dbt's semantics as DuckDB implements them: datepart boundaries crossed (23:59 -> 00:01 is 1 day, 1 hour,
-- 2 minutes; 31 Dec -> 1 Jan is 1 month, quarter and year), weeks as whole 7-day spans of calendar days
-- truncated toward zero, negative spans, NULL in -> NULL out.
{%- set parts = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] %}
with cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select
        1 as case_id,
        '2024-01-01 23:59:00' as first_text,
        '2024-01-02 00:01:00' as second_text,
        120 as expected_second,
        2 as expected_minute,
        1 as expected_hour,
        1 as expected_day,
        0 as expected_week,
        0 as expected_month,
        0 as expected_quarter,
        0 as expected_year
    union all
    select 2, '2023-12-31 23:59:59', '2024-01-01 00:00:00', 1, 1, 1, 1, 0, 1, 1, 1
    union all
    select 3, '2024-03-31 10:00:00', '2024-01-31 09:00:00', -5187600, -86460, -1441, -60, -8, -2, 0, 0
    union all
    select 4, '2024-01-01 10:00:00', '2024-01-08 09:00:00', 601200, 10020, 167, 7, 1, 0, 0, 0
    union all
    select 5, null, '2024-01-08 09:00:00', null, null, null, null, null, null, null, null
    -- noqa: enable=AL03,LT09
),

typed_cases as (
    select
        case_id,
        cast(first_text as {{ lm_type_timestamp() }}) as first_at,
        cast(second_text as {{ lm_type_timestamp() }}) as second_at,
        {%- for part in parts %}
            expected_{{ part }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from cases
),

results as (
    {%- for part in parts %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            case_id,
            '{{ part }}' as datepart,
            {{ dbt.datediff('first_at', 'second_at', part) }} as actual,
            expected_{{ part }} as expected
        from typed_cases
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
