-- Guards lm_concat: parts joined in order, integers/decimals/dates rendered as text the same way on both
-- engines, and NULL when any part is NULL (MariaDB's `||` is OR: dbt's stock concat returned 0 there;
-- DuckDB's concat() would skip the NULL). Compared byte for byte (trailing spaces count). Returns the
-- mismatching cases.
{%- set cases %}
    select
        1 as case_id,
        'a' as part_text,
        1 as part_int,
        '2024-01-02' as part_date_text,
        '1.50' as part_decimal_text,
        'a12024-01-021.50' as expected_all,
        'a' as expected_single
    union all
    select 2, 'a', null, '2024-01-02', '1.50', null, 'a'
    union all
    select 3, null, 1, '2024-01-02', '1.50', null, null
    union all
    select 4, 'a', 2, null, '1.50', null, 'a'
    union all
    select 5, '', 0, '2024-12-31', '-0.25', '02024-12-31-0.25', ''
    union all
    select 6, 'приём ', -3, '2024-01-01', '10.00', 'приём -32024-01-0110.00', 'приём '
{%- endset %}
{{ lm_known_values(
    cases,
    typed={
        'part_date': 'cast(part_date_text as date)',
        'part_decimal': 'cast(part_decimal_text as ' ~ lm_type_decimal(6, 2) ~ ')',
    },
    checks=[
        {
            'name': 'all parts',
            'actual': lm_concat(['part_text', 'part_int', 'part_date', 'part_decimal']),
            'expected': 'expected_all',
            'compare': 'text',
        },
        {'name': 'single part', 'actual': lm_concat(['part_text']), 'expected': 'expected_single', 'compare': 'text'},
    ],
) }}
