-- Guards lm_text_is_distinct_from: text compared byte for byte on both engines, so case, trailing spaces
-- and accents count even under MySQL/MariaDB's case- and pad-insensitive collations; NULL vs NULL is not
-- distinct, NULL vs text is; never NULL. Returns the cases whose result differs from the truth table.
-- Judged with a plain `<>` (compare 'plain'), never with the comparison under test.
{%- set cases %}
    select 1 as case_id, 'a' as left_text, 'a' as right_text, 0 as expected_distinct
    union all
    select 2, 'a', 'A', 1
    union all
    select 3, 'a', 'a ', 1
    union all
    select 4, 'ё', 'е', 1
    union all
    select 5, 'жук', 'жук', 0
    union all
    select 6, 'a', null, 1
    union all
    select 7, null, null, 0
    union all
    select 8, '', null, 1
{%- endset %}
{%- set distinct = lm_text_is_distinct_from('left_text', 'right_text') %}
{{ lm_known_values(cases, checks=[
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
]) }}
