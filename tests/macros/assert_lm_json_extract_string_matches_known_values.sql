-- Guards lm_json_extract_string: a top-level JSON string comes back unquoted (non-ASCII kept, the empty
-- string stays '' and is not NULL), a JSON null or a missing key gives NULL (MySQL's JSON_UNQUOTE would
-- give the text 'null'), a number gives its text. Compared byte for byte.
{%- set keys = ['text_key', 'unicode_key', 'empty_key', 'null_key', 'number_key', 'absent_key'] %}
with documents as (
    select
        1 as document_id,
        '{"text_key": "site", "unicode_key": "приём", "empty_key": "", "null_key": null, "number_key": 5}' as json_text
    union all
    select
        2 as document_id,
        '{"text_key":"site","unicode_key":"приём","empty_key":"","null_key":null,"number_key":5}' as json_text
),

expectations as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 'text_key' as key_name, 'site' as expected
    union all
    select 'unicode_key', 'приём'
    union all
    select 'empty_key', ''
    union all
    select 'null_key', null
    union all
    select 'number_key', '5'
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
                when key_name = '{{ key }}' then {{ lm_json_extract_string('json_text', key) }}
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
    where {{ lm_text_is_distinct_from('actual', 'expected') }}
)

select * from final
