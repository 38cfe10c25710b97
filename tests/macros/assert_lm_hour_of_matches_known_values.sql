-- Guards lm_hour_of: the hour of day 0-23 of a timestamp (midnight is 0, 23:59:59.999999 is 23, not
-- rounded into the next hour), NULL in -> NULL out.
{%- set cases %}
    select 1 as case_id, '2024-05-13 00:00:00' as input_text, 0 as expected
    union all
    select 2, '2024-05-19 23:59:59.999999', 23
    union all
    select 3, '2023-01-01 12:30:00', 12
    union all
    select 4, '2024-03-01 09:00:00', 9
    union all
    select 5, '2024-01-03 18:45:00', 18
    union all
    select 6, '2024-12-31 01:00:00', 1
    union all
    select 7, '2024-02-29 13:00:00', 13
    union all
    select 8, null, null
{%- endset %}
{{ lm_known_values(
    cases,
    typed={'input_at': 'cast(input_text as ' ~ lm_type_timestamp() ~ ')'},
    checks=[{'name': 'hour', 'actual': lm_hour_of('input_at'), 'expected': 'expected'}],
) }}
