-- Guards lm_json_object: valid JSON text (json_valid on both engines), every value read back equal with
-- lm_json_extract_number / lm_json_extract_string (numbers, decimals, quotes, newlines, non-ASCII text),
-- SQL NULL kept as a JSON null (the key is present, extracting gives NULL), keys in the given order, and
-- an empty pair list gives '{}'. The text itself is never compared: whitespace differs between engines.
{%- set cases %}
    select
        1 as case_id,
        42 as count_value,
        '1.25' as ratio_text,
        'site' as label_value,
        -0.5e0 as score_value
    union all
    select 2, -7, '0.00', 'he said "yes"{{ "\n" }}then left', 1e-7
    union all
    select 3, 0, '-3.10', 'приём', 0e0
    union all
    select 4, null, null, null, null
{%- endset %}
{%- set ratio_value = 'cast(ratio_text as ' ~ lm_type_decimal(6, 2) ~ ')' %}
{{ lm_known_values(
    cases,
    typed={
        'ratio_value': ratio_value,
        'json_text': lm_json_object([
            ['count', 'count_value'],
            ['ratio', ratio_value],
            ['label', 'label_value'],
            ['missing', 'null'],
            ['score', 'score_value'],
        ]),
    },
    checks=[
        {'name': 'valid JSON', 'actual': lm_bool_to_int('json_valid(json_text)'), 'expected': '1'},
        {'name': 'count', 'actual': lm_json_extract_number('json_text', 'count'), 'expected': 'count_value'},
        {
            'name': 'ratio',
            'actual': lm_json_extract_number('json_text', 'ratio'),
            'expected': 'ratio_value',
            'absolute_tolerance': '1e-9',
        },
        {
            'name': 'label',
            'actual': lm_json_extract_string('json_text', 'label'),
            'expected': 'label_value',
            'compare': 'text',
        },
        {
            'name': 'score',
            'actual': lm_json_extract_number('json_text', 'score'),
            'expected': 'score_value',
            'absolute_tolerance': '1e-15',
        },
        {'name': 'missing is a JSON null', 'actual': lm_json_extract_string('json_text', 'missing'), 'expected': 'null'},
        {
            'name': 'keys in the given order',
            'actual': lm_bool_to_int(
                "0 < instr(json_text, '\"count\"')"
                ~ " and instr(json_text, '\"count\"') < instr(json_text, '\"ratio\"')"
                ~ " and instr(json_text, '\"ratio\"') < instr(json_text, '\"label\"')"
                ~ " and instr(json_text, '\"label\"') < instr(json_text, '\"missing\"')"
                ~ " and instr(json_text, '\"missing\"') < instr(json_text, '\"score\"')"
            ),
            'expected': '1',
        },
        {'name': 'empty object', 'actual': lm_json_object([]), 'expected': "'{}'", 'compare': 'text'},
    ],
) }}
