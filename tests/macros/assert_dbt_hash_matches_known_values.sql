-- Guards the project's dbt.hash override on MySQL/MariaDB (dbt's stock hash() casts to TEXT, which CAST
-- rejects): lowercase hex MD5 of the value's text, for strings and integers, identical on both engines;
-- NULL stays NULL. Reference digests from Python hashlib.
{%- set cases %}
    select
        1 as case_id,
        'abc' as text_value,
        123 as integer_value,
        '900150983cd24fb0d6963f7d28e17f72' as expected_text_hash,
        '202cb962ac59075b964b07152d234b70' as expected_integer_hash
    union all
    select 2, null, null, null, null
{%- endset %}
{{ lm_known_values(cases, checks=[
    {'name': 'text', 'actual': dbt.hash('text_value'), 'expected': 'expected_text_hash', 'compare': 'text'},
    {'name': 'integer', 'actual': dbt.hash('integer_value'), 'expected': 'expected_integer_hash', 'compare': 'text'},
]) }}
