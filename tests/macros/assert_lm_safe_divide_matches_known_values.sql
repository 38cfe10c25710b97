-- Guards lm_safe_divide: float division (1 / 3 is 0.333..., not MySQL's DECIMAL 0.3333, and not integer
-- division), NULL for a zero (integer, decimal or float) or NULL denominator, NULL for a NULL numerator,
-- signs kept. Compared with a relative tolerance of 1e-12; NULL must match NULL exactly.
{%- set integer_cases %}
    select 1 as case_id, 1 as numerator, 3 as denominator, 0.3333333333333333e0 as expected
    union all
    select 2, -7, 2, -3.5e0
    union all
    select 3, 1, 0, null
    union all
    select 4, 0, 0, null
    union all
    select 5, null, 2, null
    union all
    select 6, 2, null, null
    union all
    select 7, 0, 5, 0e0
{%- endset %}
{%- set decimal_cases %}
    select 11 as case_id, '7.5' as numerator_text, '2.5' as denominator_text, 3e0 as expected
    union all
    select 12, '1', '0.00', null
    union all
    select 13, '2', '3', 0.6666666666666666e0
{%- endset %}
{%- set float_cases %}
    select 21 as case_id, 1e0 as numerator, 0e0 as denominator, null as expected
    union all
    select 22, 1e0, -0e0, null
    union all
    select 23, 1e0, 4e0, 0.25e0
{%- endset %}
{%- set decimal_type = lm_type_decimal(6, 2) %}
{{ lm_known_values(
    [
        {'rows': integer_cases},
        {
            'rows': decimal_cases,
            'typed': {
                'numerator': 'cast(numerator_text as ' ~ decimal_type ~ ')',
                'denominator': 'cast(denominator_text as ' ~ decimal_type ~ ')',
            },
        },
        {'rows': float_cases},
    ],
    checks=[
        {
            'name': 'quotient',
            'actual': lm_safe_divide('numerator', 'denominator'),
            'expected': 'expected',
            'tolerance': '1e-12',
        },
    ],
) }}
