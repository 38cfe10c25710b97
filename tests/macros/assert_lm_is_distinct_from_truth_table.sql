-- Guards lm_is_distinct_from, the NULL-safe comparison every other test in tests/macros relies on:
-- NULL vs NULL is not distinct, NULL vs a value is, and the result is never NULL (a plain `<>` would
-- give NULL and hide failures). Returns the cases whose result differs from the truth table. Judged
-- with a plain `<>` (compare 'plain'), never with the comparison under test.
{%- set integer_cases %}
    select 1 as case_id, 1 as left_value, 1 as right_value, 0 as expected_distinct
    union all
    select 2, 1, 2, 1
    union all
    select 3, 1, null, 1
    union all
    select 4, null, 1, 1
    union all
    select 5, null, null, 0
    union all
    select 6, 0, null, 1
{%- endset %}
{%- set text_cases %}
    select 11 as case_id, 'a' as left_value, 'a' as right_value, 0 as expected_distinct
    union all
    select 12, 'a', 'b', 1
    union all
    select 13, '', null, 1
    union all
    select 14, null, null, 0
{%- endset %}
{%- set distinct = lm_is_distinct_from('left_value', 'right_value') %}
{{ lm_known_values(
    [{'rows': integer_cases}, {'rows': text_cases}],
    checks=[
        {
            'name': 'distinct',
            'actual': 'case when ' ~ distinct ~ ' then 1 else 0 end',
            'expected': 'expected_distinct',
            'compare': 'plain',
        },
        {
            'name': 'never null',
            'actual': 'case when ' ~ distinct ~ ' is null then 1 else 0 end',
            'expected': '0',
            'compare': 'plain',
        },
    ],
) }}
