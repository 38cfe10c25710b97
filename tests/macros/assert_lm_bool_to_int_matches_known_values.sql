-- Guards lm_bool_to_int: a boolean expression and an integer flag (TINYINT(1) style, any non-zero value is
-- true) become 1 / 0, and NULL stays NULL (not 0).
{%- set cases %}
    select
        1 as case_id,
        1 as flag_value,
        3 as left_value,
        3 as right_value,
        1 as expected_from_flag,
        1 as expected_from_comparison
    union all
    select 2, 0, 3, 4, 0, 0
    union all
    select 3, null, null, 4, null, null
    union all
    select 4, 2, 4, null, 1, null
    union all
    select 5, -1, 0, 0, 1, 1
{%- endset %}
{{ lm_known_values(cases, checks=[
    {'name': 'from flag', 'actual': lm_bool_to_int('flag_value'), 'expected': 'expected_from_flag'},
    {
        'name': 'from comparison',
        'actual': lm_bool_to_int('left_value = right_value'),
        'expected': 'expected_from_comparison',
    },
]) }}
