-- Guards lm_json_extract_number: a top-level JSON number (integer, negative, fraction, exponent) comes
-- back as a double; a missing key, a JSON null, a numeric string, a boolean or an array gives NULL
-- (MySQL's JSON_UNQUOTE would give the text 'null' and CAST would turn it into 0). Works on compact
-- (DuckDB-style) and spaced (MySQL-style) text alike.
{%- set keys = [
    'int_key', 'neg_key', 'frac_key', 'exp_key', 'text_key', 'null_key', 'bool_key', 'list_key', 'absent_key',
] %}
{%- set spaced_document = (
    '{"int_key": 1, "neg_key": -4, "frac_key": 2.5, "exp_key": 1e3, '
    ~ '"text_key": "3", "null_key": null, "bool_key": true, "list_key": [1]}'
) %}
{%- set compact_document = (
    '{"int_key":1,"neg_key":-4,"frac_key":2.5,"exp_key":1e3,'
    ~ '"text_key":"3","null_key":null,"bool_key":true,"list_key":[1]}'
) %}
with documents as (
    select
        1 as document_id,
        '{{ spaced_document }}' as json_text
    union all
    select
        2 as document_id,
        '{{ compact_document }}' as json_text
),

expectations as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 'int_key' as key_name, 1e0 as expected
    union all
    select 'neg_key', -4e0
    union all
    select 'frac_key', 2.5e0
    union all
    select 'exp_key', 1000e0
    union all
    select 'text_key', null
    union all
    select 'null_key', null
    union all
    select 'bool_key', null
    union all
    select 'list_key', null
    union all
    select 'absent_key', null
    -- noqa: enable=AL03,LT09
),

cases as (
    select
        documents.document_id,
        documents.json_text,
        expectations.key_name,
        expectations.expected
    from documents
    cross join expectations
),

results as (
    select
        document_id,
        key_name,
        case
            {%- for key in keys %}
                when key_name = '{{ key }}' then {{ lm_json_extract_number('json_text', key) }}
            {%- endfor %}
        end as actual,
        expected
    from cases
),

final as (
    select
        document_id,
        key_name,
        actual,
        expected
    from results
    where {{ lm_is_distinct_from('actual', 'expected') }}
)

select * from final
