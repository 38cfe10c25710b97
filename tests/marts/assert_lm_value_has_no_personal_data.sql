-- Guards: no personal data in lm_value: no JSON value (feature_pack) carries the call's phone number (with
-- or without its leading +), the caller key derived from it, or the transcript text, and none has a
-- caller or transcript-text key. Label values come from the dictionary's allowed labels or from vars
-- (checked by assert_lm_value_conforms_to_dictionary). Reads the raw source on purpose: it is the
-- personal data this test looks for.
with

calls as (
    select
        history_id,
        trim(caller_number) as caller_number,
        transcript
    from {{ source('operatorbot', 'call_history') }}
),

caller_keys as (
    select
        history_id,
        caller_key
    from {{ ref('stg_operatorbot__call_history') }}
),

metric_values as (
    select
        history_id,
        metric_code,
        cast(value_json as {{ lm_type_string() }}) as value_text
    from {{ ref('lm_value') }}
    where value_json is not null
),

final as (
    select
        metric_values.history_id,
        metric_values.metric_code
    from metric_values
    inner join calls
        on metric_values.history_id = calls.history_id
    inner join caller_keys
        on metric_values.history_id = caller_keys.history_id
    where
        (calls.caller_number <> '' and metric_values.value_text like {{ lm_concat(
            ["'%'", "replace(calls.caller_number, '+', '')", "'%'"]
        ) }})
        or (caller_keys.caller_key is not null and metric_values.value_text like {{ lm_concat(
            ["'%'", 'caller_keys.caller_key', "'%'"]
        ) }})
        or (length(calls.transcript) > 8 and metric_values.value_text like {{ lm_concat(
            ["'%'", 'calls.transcript', "'%'"]
        ) }})
        or metric_values.value_text like '%caller_number%'
        or metric_values.value_text like '%caller_key%'
        or metric_values.value_text like '%"transcript"%'
)

select * from final
