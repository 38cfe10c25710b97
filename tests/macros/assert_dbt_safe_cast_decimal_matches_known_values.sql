-- Guards dbt.safe_cast to decimal(p, s) (the project's override): decimal text (spaces trimmed, sign,
-- '.5', '5.') becomes decimal(p, s) rounded half away from zero; text that is not a plain decimal, or
-- whose value does not fit p - s integer digits after rounding, becomes NULL on both engines (MySQL would
-- give 0 or clamp to 9999.99, with a warning). Covers scale = precision (no integer digits). Returns the
-- mismatching cases.
{%- set cases_6_2 %}
    select 1 as case_id, '12.34' as input_text, 12.34 as expected
    union all
    select 2, ' 12.345 ', 12.35
    union all
    select 3, '-12.345', -12.35
    union all
    select 4, '1234.5', 1234.50
    union all
    select 5, '9999.994', 9999.99
    union all
    select 6, '9999.995', null
    union all
    select 7, '12345', null
    union all
    select 8, '.5', 0.50
    union all
    select 9, '5.', 5.00
    union all
    select 10, '+3', 3.00
    union all
    select 11, '00001234.5', 1234.50
    union all
    select 12, 'abc', null
    union all
    select 13, '', null
    union all
    select 14, '1e2', null
    union all
    select 15, '1,5', null
    union all
    select 16, '.', null
    union all
    select 17, '-', null
    union all
    select 18, '1.2.3', null
    union all
    select 19, null, null
    union all
    select 20, '0.123456789012345678901234567890123', 0.12
{%- endset %}
{%- set cases_4_4 %}
    select 31 as case_id, '0.12345' as input_text, 0.1235 as expected
    union all
    select 32, '0', 0.0000
    union all
    select 33, '-.5', -0.5000
    union all
    select 34, '1', null
    union all
    select 35, '0.99995', null
    union all
    select 36, 'x', null
{%- endset %}
{{ lm_known_values([
    {
        'rows': cases_6_2,
        'checks': [{'name': 'decimal(6, 2)', 'actual': dbt.safe_cast('input_text', 'decimal(6, 2)'), 'expected': 'expected'}],
    },
    {
        'rows': cases_4_4,
        'checks': [{'name': 'decimal(4, 4)', 'actual': dbt.safe_cast('input_text', 'decimal(4, 4)'), 'expected': 'expected'}],
    },
]) }}
