-- Guards dbt.safe_cast to timestamp (the project's override): 'YYYY-MM-DD[ HH:MM:SS[.ffffff]]' text of
-- an existing moment becomes a timestamp with its microseconds; impossible days or times, a 'T'
-- separator, a missing seconds field or more than 6 fractional digits become NULL without an error or a
-- MySQL warning.
{%- set cases %}
    select 1 as case_id, '2024-02-29 23:59:59' as input_text, '2024-02-29 23:59:59' as expected_text
    union all
    select 2, '2024-02-29', '2024-02-29 00:00:00'
    union all
    select 3, ' 2024-02-29 10:11:12.123456 ', '2024-02-29 10:11:12.123456'
    union all
    select 4, '2024-02-29 10:11:12.5', '2024-02-29 10:11:12.500000'
    union all
    select 5, '2024-02-30 10:00:00', null
    union all
    select 6, '2024-02-29 24:00:00', null
    union all
    select 7, '2024-02-29 10:60:00', null
    union all
    select 8, '2024-02-29T10:00:00', null
    union all
    select 9, '2024-02-29 10:00', null
    union all
    select 10, '2024-02-29 10:00:00.1234567', null
    union all
    select 11, 'abc', null
    union all
    select 12, null, null
{%- endset %}
{{ lm_known_values(cases, checks=[
    {'name': 'timestamp', 'actual': dbt.safe_cast('input_text', 'timestamp'), 'expected': 'cast(expected_text as ' ~ lm_type_timestamp() ~ ')'},
]) }}
