-- Guards dbt.safe_cast to date (the project's override): YYYY-MM-DD text of a day that exists becomes
-- a date; impossible days (2023-02-29, 2024-04-31), other layouts and garbage become NULL without an
-- error or a MySQL warning.
{%- set cases %}
    select 1 as case_id, '2024-02-29' as input_text, '2024-02-29' as expected_text
    union all
    select 2, ' 2024-12-31 ', '2024-12-31'
    union all
    select 3, '1000-01-01', '1000-01-01'
    union all
    select 4, '2023-02-29', null
    union all
    select 5, '2024-04-31', null
    union all
    select 6, '2024-13-01', null
    union all
    select 7, '2024-00-10', null
    union all
    select 8, '2024-1-5', null
    union all
    select 9, '2024-12-31 10:00:00', null
    union all
    select 10, '0999-01-01', null
    union all
    select 11, 'abc', null
    union all
    select 12, '', null
    union all
    select 13, null, null
{%- endset %}
{{ lm_known_values(cases, checks=[
    {'name': 'date', 'actual': dbt.safe_cast('input_text', 'date'), 'expected': 'cast(expected_text as date)'},
]) }}
