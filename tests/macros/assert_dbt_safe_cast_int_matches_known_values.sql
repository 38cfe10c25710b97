-- Guards dbt.safe_cast to bigint (the project's override): integer text (spaces trimmed, sign, leading
-- zeros) becomes a signed 64-bit integer; anything else becomes NULL, never 0 (MySQL's CAST('abc' AS
-- SIGNED)) and never a rounded or reinterpreted value (DuckDB's TRY_CAST accepts '12.5' -> 13, '1e3',
-- '1_000', '0x1F'); values outside the 64-bit range are NULL on both engines (MySQL would clamp them).
-- Returns the mismatching cases.
{%- set cases %}
    select 1 as case_id, '12' as input_text, 12 as expected
    union all
    select 2, ' 12 ', 12
    union all
    select 3, '-7', -7
    union all
    select 4, '+5', 5
    union all
    select 5, '0000000000000000000000042', 42
    union all
    select 6, '9223372036854775807', 9223372036854775807
    union all
    select 7, '-9223372036854775808', -9223372036854775808
    union all
    select 8, '0', 0
    union all
    select 9, 'abc', null
    union all
    select 10, '', null
    union all
    select 11, '   ', null
    union all
    select 12, '12.5', null
    union all
    select 13, '1e3', null
    union all
    select 14, '1_000', null
    union all
    select 15, '0x1F', null
    union all
    select 16, '12abc', null
    union all
    select 17, '12{{ "\n" }}', null
    union all
    select 18, '{{ "\t" }}5', null
    union all
    select 19, '9223372036854775808', null
    union all
    select 20, '-9223372036854775809', null
    union all
    select 21, '99999999999999999999999', null
    union all
    select 22, '- 5', null
    union all
    select 23, '--5', null
    union all
    select 24, '5-', null
    union all
    select 25, null, null
{%- endset %}
{{ lm_known_values(cases, checks=[
    {'name': 'int', 'actual': dbt.safe_cast('input_text', 'bigint'), 'expected': 'expected'},
]) }}
