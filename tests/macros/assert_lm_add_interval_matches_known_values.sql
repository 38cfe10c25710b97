-- Guards lm_add_interval for each unit (second, minute, hour, day) with positive, negative, zero and NULL
-- amounts taken from a column, across a leap day and a year boundary; a date input gives a timestamp at
-- midnight plus the amount; a fractional amount is rounded half away from zero (2.5 -> 3) on both.
{%- set column_cases %}
    select
        1 as case_id,
        '2024-02-28 23:30:00' as start_text,
        45 as amount,
        '2024-02-28 23:30:45' as expected_plus_seconds,
        '2024-02-29 00:15:00' as expected_plus_minutes,
        '2024-03-01 20:30:00' as expected_plus_hours,
        '2024-04-13 23:30:00' as expected_plus_days
    union all
    select
        2, '2024-02-28 23:30:00', -90,
        '2024-02-28 23:28:30', '2024-02-28 22:00:00', '2024-02-25 05:30:00', '2023-11-30 23:30:00'
    union all
    select
        3, '2024-02-28 23:30:00', 0,
        '2024-02-28 23:30:00', '2024-02-28 23:30:00', '2024-02-28 23:30:00', '2024-02-28 23:30:00'
    union all
    select 4, '2024-02-28 23:30:00', null, null, null, null, null
    union all
    select 5, null, 1, null, null, null, null
{%- endset %}
{%- set timestamp_type = lm_type_timestamp() %}
{%- set column_checks = [] %}
{%- for unit in ['second', 'minute', 'hour', 'day'] %}
    {%- do column_checks.append({
        'name': 'plus ' ~ unit ~ 's',
        'actual': lm_add_interval('started_at', 'amount', unit),
        'expected': 'cast(expected_plus_' ~ unit ~ 's as ' ~ timestamp_type ~ ')',
    }) %}
{%- endfor %}
{%- set literal_checks = [
    ['2.5 hours', "cast('2024-01-01 10:00:00' as " ~ timestamp_type ~ ")", 2.5, 'hour', '2024-01-01 13:00:00'],
    ['-1 day', "cast('2024-01-01 10:00:00' as " ~ timestamp_type ~ ")", -1, 'day', '2023-12-31 10:00:00'],
    ['date + 1 day', "cast('2024-01-31' as date)", 1, 'day', '2024-02-01 00:00:00'],
    ['date + 90 minutes', "cast('2024-12-31' as date)", 90, 'minute', '2024-12-31 01:30:00'],
    [
        'microseconds kept', "cast('2024-01-01 10:00:00.250000' as " ~ timestamp_type ~ ")", 1, 'second',
        '2024-01-01 10:00:01.250000',
    ],
] %}
{%- set constant_checks = [] %}
{%- for name, start, amount, unit, expected in literal_checks %}
    {%- do constant_checks.append({
        'name': name,
        'actual': lm_add_interval(start, amount, unit),
        'expected': "cast('" ~ expected ~ "' as " ~ timestamp_type ~ ")",
    }) %}
{%- endfor %}
{{ lm_known_values([
    {
        'rows': column_cases,
        'typed': {'started_at': 'cast(start_text as ' ~ timestamp_type ~ ')'},
        'checks': column_checks,
    },
    {'rows': none, 'checks': constant_checks},
]) }}
