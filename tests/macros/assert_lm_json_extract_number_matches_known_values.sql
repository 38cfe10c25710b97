-- Guards lm_json_extract_number: a top-level JSON number (integer, negative, fraction, exponent) comes
-- back as a double; a missing key, a JSON null, a numeric string, a boolean or an array gives NULL
-- (MySQL's JSON_UNQUOTE would give the text 'null' and CAST would turn it into 0). Works on compact
-- (DuckDB-style) and spaced (MySQL-style) text alike.
{%- set spaced_document = (
    '{"int_key": 1, "neg_key": -4, "frac_key": 2.5, "exp_key": 1e3, '
    ~ '"text_key": "3", "null_key": null, "bool_key": true, "list_key": [1]}'
) %}
{%- set compact_document = (
    '{"int_key":1,"neg_key":-4,"frac_key":2.5,"exp_key":1e3,'
    ~ '"text_key":"3","null_key":null,"bool_key":true,"list_key":[1]}'
) %}
{%- set cases %}
    select 1 as document_id, '{{ spaced_document }}' as json_text
    union all
    select 2, '{{ compact_document }}'
{%- endset %}
{%- set expectations = [
    ['int_key', '1e0'],
    ['neg_key', '-4e0'],
    ['frac_key', '2.5e0'],
    ['exp_key', '1000e0'],
    ['text_key', 'null'],
    ['null_key', 'null'],
    ['bool_key', 'null'],
    ['list_key', 'null'],
    ['absent_key', 'null'],
] %}
{%- set checks = [] %}
{%- for key, expected in expectations %}
    {%- do checks.append({'name': key, 'actual': lm_json_extract_number('json_text', key), 'expected': expected}) %}
{%- endfor %}
{{ lm_known_values(cases, checks=checks, key='document_id') }}
