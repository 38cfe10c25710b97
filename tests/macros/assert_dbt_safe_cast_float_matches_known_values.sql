-- Guards dbt.safe_cast to double (the project's override): decimal or exponent text becomes a double;
-- anything else (including 'inf', 'nan', '1_0.5' that DuckDB's TRY_CAST accepts, and exponents beyond two
-- digits) becomes NULL, never 0. Compared with a relative tolerance of 1e-12; NULL must match NULL exactly.
{%- set cases %}
    select 1 as case_id, '1.5' as input_text, 1.5e0 as expected
    union all
    select 2, ' -2.25 ', -2.25e0
    union all
    select 3, '1e3', 1000e0
    union all
    select 4, '2.5E-2', 0.025e0
    union all
    select 5, '.5', 0.5e0
    union all
    select 6, '5.', 5e0
    union all
    select 7, '+7', 7e0
    union all
    select 8, 'abc', null
    union all
    select 9, '', null
    union all
    select 10, 'inf', null
    union all
    select 11, 'nan', null
    union all
    select 12, '1e400', null
    union all
    select 13, '1_0.5', null
    union all
    select 14, '1.5.5', null
    union all
    select 15, 'e5', null
    union all
    select 16, null, null
{%- endset %}
{{ lm_known_values(cases, checks=[
    {'name': 'float', 'actual': dbt.safe_cast('input_text', 'double'), 'expected': 'expected', 'tolerance': '1e-12'},
]) }}
