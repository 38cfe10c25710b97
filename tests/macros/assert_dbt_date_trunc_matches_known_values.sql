-- Guards the project's dbt.date_trunc override on MySQL/MariaDB (dbt's stock date_trunc() fails there)
-- against DuckDB: each datepart from second to year, fractions of a second dropped, ISO weeks starting
-- on Monday, quarters starting in January/April/July/October; NULL in -> NULL out.
{%- set expectations = [
    ['second', '2024-05-19 13:47:21'],
    ['minute', '2024-05-19 13:47:00'],
    ['hour', '2024-05-19 13:00:00'],
    ['day', '2024-05-19 00:00:00'],
    ['week', '2024-05-13 00:00:00'],
    ['month', '2024-05-01 00:00:00'],
    ['quarter', '2024-04-01 00:00:00'],
    ['year', '2024-01-01 00:00:00'],
] %}
{%- set cases %}
    select 1 as case_id, cast('2024-05-19 13:47:21.750000' as {{ lm_type_timestamp() }}) as input_at
    union all
    select 2, null
{%- endset %}
{%- set checks = [] %}
{%- for datepart, expected in expectations %}
    {%- do checks.append({
        'name': datepart,
        'actual': dbt.date_trunc(datepart, 'input_at'),
        'expected': "case when input_at is not null then cast('" ~ expected ~ "' as " ~ lm_type_timestamp() ~ ") end",
    }) %}
{%- endfor %}
{{ lm_known_values(cases, checks=checks) }}
