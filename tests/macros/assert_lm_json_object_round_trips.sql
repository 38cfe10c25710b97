-- Guards lm_json_object: valid JSON text (json_valid on both engines), every value read back equal with
-- lm_json_extract_number / lm_json_extract_string (numbers, decimals, quotes, newlines, non-ASCII text),
-- SQL NULL kept as a JSON null (the key is present, extracting gives NULL), keys in the given order, and
-- an empty pair list gives '{}'. The text itself is never compared: whitespace differs between engines.
with cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
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
    -- noqa: enable=AL03,LT09
),

typed_cases as (
    select
        case_id,
        count_value,
        cast(ratio_text as {{ lm_type_decimal(6, 2) }}) as ratio_value,
        label_value,
        score_value
    from cases
),

built as (
    select
        case_id,
        count_value,
        ratio_value,
        label_value,
        score_value,
        {{ lm_json_object([
            ['count', 'count_value'],
            ['ratio', 'ratio_value'],
            ['label', 'label_value'],
            ['missing', 'null'],
            ['score', 'score_value'],
        ]) }} as json_text
    from typed_cases
),

read_back as (
    select
        case_id,
        json_text,
        {{ lm_bool_to_int('json_valid(json_text)') }} as is_valid,
        {{ lm_json_extract_number('json_text', 'count') }} as count_back,
        count_value,
        {{ lm_json_extract_number('json_text', 'ratio') }} as ratio_back,
        ratio_value,
        {{ lm_json_extract_string('json_text', 'label') }} as label_back,
        label_value,
        {{ lm_json_extract_number('json_text', 'score') }} as score_back,
        score_value,
        {{ lm_json_extract_string('json_text', 'missing') }} as missing_back,
        instr(json_text, '"count"') as count_at,
        instr(json_text, '"ratio"') as ratio_at,
        instr(json_text, '"label"') as label_at,
        instr(json_text, '"missing"') as missing_at,
        instr(json_text, '"score"') as score_at
    from built
),

failures as (
    select
        case_id,
        json_text
    from read_back
    where
        is_valid <> 1
        or {{ lm_is_distinct_from('count_back', 'count_value') }}
        or {{ lm_is_distinct_from('ratio_back is null', 'ratio_value is null') }}
        or abs(ratio_back - ratio_value) > 1e-9
        or {{ lm_text_is_distinct_from('label_back', 'label_value') }}
        or {{ lm_is_distinct_from('score_back is null', 'score_value is null') }}
        or abs(score_back - score_value) > 1e-15
        or missing_back is not null
        or not (
            0 < count_at
            and count_at < ratio_at
            and ratio_at < label_at
            and label_at < missing_at
            and missing_at < score_at
        )
    union all
    select
        0 as case_id,
        {{ lm_json_object([]) }} as json_text
    from cases
    where case_id = 1 and {{ lm_text_is_distinct_from(lm_json_object([]), "'{}'") }}
),

final as (
    select
        case_id,
        json_text
    from failures
)

select * from final
