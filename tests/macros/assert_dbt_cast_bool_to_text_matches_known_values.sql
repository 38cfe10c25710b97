-- Guards the project's dbt.cast_bool_to_text override on MySQL/MariaDB (a MySQL boolean is an integer
-- and would render '1' / '0'): 'true' / 'false' like DuckDB and PostgreSQL, NULL stays NULL.
{%- set cases %}
    select 1 as case_id, 3 as left_value, 3 as right_value, 'true' as expected
    union all
    select 2, 3, 4, 'false'
    union all
    select 3, null, 4, null
{%- endset %}
{{ lm_known_values(cases, checks=[
    {
        'name': 'text',
        'actual': dbt.cast_bool_to_text('left_value = right_value'),
        'expected': 'expected',
        'compare': 'text',
    },
]) }}
