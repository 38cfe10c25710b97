-- Guards lm_json_extract_string: a top-level JSON string comes back unquoted (non-ASCII kept, the empty
-- string stays '' and is not NULL), a JSON null or a missing key gives NULL (MySQL's JSON_UNQUOTE would
-- give the text 'null'), a number gives its text. Compared byte for byte.
{%- set cases %}
    select
        1 as document_id,
        '{"text_key": "site", "unicode_key": "приём", "empty_key": "", "null_key": null, "number_key": 5}' as json_text
    union all
    select
        2,
        '{"text_key":"site","unicode_key":"приём","empty_key":"","null_key":null,"number_key":5}'
{%- endset %}
{%- set expectations = [
    ['text_key', "'site'"],
    ['unicode_key', "'приём'"],
    ['empty_key', "''"],
    ['null_key', 'null'],
    ['number_key', "'5'"],
    ['absent_key', 'null'],
] %}
{%- set checks = [] %}
{%- for key, expected in expectations %}
    {%- do checks.append({
        'name': key, 'actual': lm_json_extract_string('json_text', key), 'expected': expected, 'compare': 'text',
    }) %}
{%- endfor %}
{{ lm_known_values(cases, checks=checks, key='document_id') }}
