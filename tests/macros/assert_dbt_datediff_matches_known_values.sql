-- Guards the project's dbt.datediff override on MySQL/MariaDB (dbt's stock datediff() fails there) against
-- dbt's semantics as DuckDB implements them: datepart boundaries crossed (23:59 -> 00:01 is 1 day, 1 hour,
-- 2 minutes; 31 Dec -> 1 Jan is 1 month, quarter and year), weeks as whole 7-day spans of calendar days
-- truncated toward zero, negative spans, NULL in -> NULL out.
{%- set cases %}
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
{%- endset %}
{%- set checks = [] %}
{%- for datepart in ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] %}
    {%- do checks.append({
        'name': datepart,
        'actual': dbt.datediff('first_at', 'second_at', datepart),
        'expected': 'expected_' ~ datepart,
    }) %}
{%- endfor %}
{{ lm_known_values(
    cases,
    typed={
        'first_at': 'cast(first_text as ' ~ lm_type_timestamp() ~ ')',
        'second_at': 'cast(second_text as ' ~ lm_type_timestamp() ~ ')',
    },
    checks=checks,
) }}
