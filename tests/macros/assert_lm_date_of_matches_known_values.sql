-- Guards lm_date_of: the calendar date of a timestamp, never rounded up to the next day from
-- 23:59:59.999999, across leap days and year ends, NULL in -> NULL out.
{%- set cases %}
    select 1 as case_id, '2024-05-13 00:00:00' as input_text, '2024-05-13' as expected_text
    union all
    select 2, '2024-05-19 23:59:59.999999', '2024-05-19'
    union all
    select 3, '2023-01-01 12:30:00', '2023-01-01'
    union all
    select 4, '2024-03-01 09:00:00', '2024-03-01'
    union all
    select 5, '2024-01-03 18:45:00', '2024-01-03'
    union all
    select 6, '2024-12-31 01:00:00', '2024-12-31'
    union all
    select 7, '2024-02-29 13:00:00', '2024-02-29'
    union all
    select 8, null, null
{%- endset %}
{{ lm_known_values(
    cases,
    typed={'input_at': 'cast(input_text as ' ~ lm_type_timestamp() ~ ')'},
    checks=[{'name': 'date', 'actual': lm_date_of('input_at'), 'expected': 'cast(expected_text as date)'}],
) }}
