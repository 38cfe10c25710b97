-- Guards the project's override of dbt.concat on MySQL/MariaDB (dbt's stock `||` is OR there and
-- returned 0 without an error): parts joined in order, NULL if any part is NULL, as on DuckDB.
{%- set cases %}
    select 1 as case_id, 'call' as first_part, '_' as second_part, '42' as third_part, 'call_42' as expected
    union all
    select 2, 'call', null, '42', null
    union all
    select 3, '', '', '', ''
    union all
    select 4, 'a', 'b ', 'C', 'ab C'
{%- endset %}
{{ lm_known_values(cases, checks=[
    {
        'name': 'concat',
        'actual': dbt.concat(['first_part', 'second_part', 'third_part']),
        'expected': 'expected',
        'compare': 'text',
    },
]) }}
