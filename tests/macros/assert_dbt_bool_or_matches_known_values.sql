-- Guards the project's dbt.bool_or override on MySQL/MariaDB (no BOOL_OR there): true when any row is
-- true, false when all non-NULL rows are false, NULL when every row is NULL, like DuckDB's bool_or.
{%- set items %}
    select 'one_true' as group_name, 1 as flag_value
    union all
    select 'one_true', 0
    union all
    select 'all_false', 0
    union all
    select 'all_false', 0
    union all
    select 'false_and_null', 0
    union all
    select 'false_and_null', null
    union all
    select 'true_and_null', null
    union all
    select 'true_and_null', 1
    union all
    select 'all_null', null
{%- endset %}
{%- set expectations %}
    select 'one_true' as group_name, 1 as expected
    union all
    select 'all_false', 0
    union all
    select 'false_and_null', 0
    union all
    select 'true_and_null', 1
    union all
    select 'all_null', null
{%- endset %}
{{ lm_known_values(items, key='group_name', expectations=expectations, checks=[
    {'name': 'bool_or', 'actual': lm_bool_to_int(dbt.bool_or('flag_value = 1')), 'expected': 'expected'},
]) }}
