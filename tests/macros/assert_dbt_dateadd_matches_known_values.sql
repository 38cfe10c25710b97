-- Guards the project's dbt.dateadd override on MySQL/MariaDB (dbt's stock dateadd() fails there) against
-- DuckDB's behaviour: each datepart, negative amounts, and month-end clamping (Jan 31 + 1 month = Feb 29).
{%- set expectations = [
    ['day', 1, '2024-02-01 10:00:00'],
    ['month', 1, '2024-02-29 10:00:00'],
    ['month', -2, '2023-11-30 10:00:00'],
    ['year', 1, '2025-01-31 10:00:00'],
    ['hour', -11, '2024-01-30 23:00:00'],
    ['minute', 90, '2024-01-31 11:30:00'],
    ['second', 3600, '2024-01-31 11:00:00'],
    ['week', 1, '2024-02-07 10:00:00'],
    ['quarter', 1, '2024-04-30 10:00:00'],
] %}
{%- set cases %}
    select 1 as case_id, cast('2024-01-31 10:00:00' as {{ lm_type_timestamp() }}) as started_at
{%- endset %}
{%- set checks = [] %}
{%- for datepart, amount, expected in expectations %}
    {%- do checks.append({
        'name': datepart ~ ' ' ~ amount,
        'actual': dbt.dateadd(datepart, amount, 'started_at'),
        'expected': "cast('" ~ expected ~ "' as " ~ lm_type_timestamp() ~ ")",
    }) %}
{%- endfor %}
{{ lm_known_values(cases, checks=checks) }}
