-- Guards the project's dbt.listagg override on MySQL/MariaDB (GROUP_CONCAT): values joined with the given
-- delimiter in the given order, NULL values skipped, NULL for a group of NULLs; same text as DuckDB's
-- string_agg. Compared byte for byte.
{%- set items %}
    select 'abc' as group_name, 'b' as item_value
    union all
    select 'abc', 'a'
    union all
    select 'abc', 'c'
    union all
    select 'with_null', 'x'
    union all
    select 'with_null', null
    union all
    select 'all_null', null
{%- endset %}
{%- set expectations %}
    select 'abc' as group_name, 'a, b, c' as expected_ascending, 'c|b|a' as expected_descending
    union all
    select 'with_null', 'x', 'x'
    union all
    select 'all_null', null, null
{%- endset %}
{{ lm_known_values(items, key='group_name', expectations=expectations, checks=[
    {
        'name': 'ascending',
        'actual': dbt.listagg('item_value', "', '", 'order by item_value'),
        'expected': 'expected_ascending',
        'compare': 'text',
    },
    {
        'name': 'descending',
        'actual': dbt.listagg('item_value', "'|'", 'order by item_value desc'),
        'expected': 'expected_descending',
        'compare': 'text',
    },
]) }}
