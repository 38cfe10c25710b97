-- Guards lm_clamp: values limited to [low, high]; a NULL value stays NULL (DuckDB's GREATEST/LEAST skip
-- NULLs and would return the bound); a NULL bound means no bound on that side (MySQL's GREATEST/LEAST
-- would return NULL); works for integers and decimals.
{%- set cases %}
    select 1 as case_id, '5' as value_text, '0' as low_text, '10' as high_text, '5' as expected_text
    union all
    select 2, '-1', '0', '10', '0'
    union all
    select 3, '11', '0', '10', '10'
    union all
    select 4, null, '0', '10', null
    union all
    select 5, '5', null, '10', '5'
    union all
    select 6, '11', null, '10', '10'
    union all
    select 7, '-1', '0', null, '0'
    union all
    select 8, '11', '0', null, '11'
    union all
    select 9, null, null, null, null
    union all
    select 10, '0', '0', '10', '0'
    union all
    select 11, '0.5', '0', '1', '0.5'
    union all
    select 12, '1.25', '0', '1', '1'
    union all
    select 13, '-0.01', '0', '1', '0'
{%- endset %}
{%- set decimal_type = lm_type_decimal(8, 4) %}
{{ lm_known_values(
    cases,
    typed={
        'input_value': 'cast(value_text as ' ~ decimal_type ~ ')',
        'low_value': 'cast(low_text as ' ~ decimal_type ~ ')',
        'high_value': 'cast(high_text as ' ~ decimal_type ~ ')',
        'expected': 'cast(expected_text as ' ~ decimal_type ~ ')',
    },
    checks=[
        {
            'name': 'decimal',
            'actual': lm_clamp('input_value', 'low_value', 'high_value'),
            'expected': 'expected',
        },
        {
            'name': 'integer',
            'actual': lm_clamp(
                'cast(input_value * 10000 as ' ~ lm_type_int() ~ ')', 'low_value * 10000', 'high_value * 10000'
            ),
            'expected': 'expected * 10000',
        },
    ],
) }}
