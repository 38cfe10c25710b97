-- One row per source call, every call kept: renamed to the house style, labels normalised
-- (trim + lowercase), personal data reduced to a keyed caller hash (HMAC-SHA-256, key from
-- lm_caller_secret) and a has-transcript flag, and every
-- value that cannot be true flagged (never fixed or dropped here). Keys and timestamps are passed through
-- uncast (the source contract types them) so that joins and filters on them can use the source indexes.
with

source as (
    select
        history_id,
        call_started_at,
        caller_number,
        operator_id,
        channel,
        direction,
        call_status,
        await_sec,
        duration,
        talk_duration,
        transcript,
        updated_at
    from {{ source('operatorbot', 'call_history') }}
),

-- The caller-key secret (HMAC key) as its two pads, one row written by `lm` from LM_CALLER_SALT with
-- bound parameters: the key never appears in this model's SQL, the view's definition or dbt's logs.
caller_secret as (
    select
        inner_pad_hex,
        outer_pad_hex
    from {{ source('lm_state', 'lm_caller_secret') }}
    where secret_id = 1
),

renamed as (
    select
        history_id,
        call_started_at,
        {{ lm_date_of('call_started_at') }} as call_date,
        case
            when trim(caller_number) <> ''
                then {{ lm_hmac_sha256(
                    '(select caller_secret.inner_pad_hex from caller_secret)',
                    '(select caller_secret.outer_pad_hex from caller_secret)',
                    'trim(caller_number)',
                ) }}
        end as caller_key,
        operator_id,
        nullif(lower(trim(channel)), '') as channel,
        nullif(lower(trim(direction)), '') as direction,
        nullif(lower(trim(call_status)), '') as call_status,
        cast(await_sec as {{ lm_type_int() }}) as await_sec,
        cast(duration as {{ lm_type_int() }}) as duration_sec,
        cast(talk_duration as {{ lm_type_int() }}) as talk_duration_sec,
        coalesce(trim(transcript) <> '', false) as has_transcript,
        updated_at
    from source
),

flagged as (
    select
        history_id,
        call_started_at,
        call_date,
        caller_key,
        operator_id,
        channel,
        direction,
        call_status,
        await_sec,
        duration_sec,
        talk_duration_sec,
        has_transcript,
        updated_at,
        coalesce(
            call_started_at > {{ lm_add_interval(lm_now(), lm_var('lm_future_tolerance_hours'), 'hour') }},
            false
        ) as is_future_call,
        coalesce(direction not in ({{ lm_quoted_list(lm_var('lm_call_directions')) }}), true) as is_unknown_direction,
        coalesce(call_status not in ({{ lm_quoted_list(lm_var('lm_call_statuses')) }}), true) as is_unknown_status,
        coalesce(await_sec < 0 or duration_sec < 0 or talk_duration_sec < 0, false) as has_negative_duration,
        coalesce(
            await_sec > {{ lm_var('lm_max_plausible_sec') }}
            or duration_sec > {{ lm_var('lm_max_plausible_sec') }}
            or talk_duration_sec > {{ lm_var('lm_max_plausible_sec') }},
            false
        ) as has_absurd_duration,
        coalesce(talk_duration_sec > duration_sec, false) as has_talk_over_duration
    from renamed
),

final as (
    select
        history_id,
        call_started_at,
        call_date,
        caller_key,
        operator_id,
        channel,
        direction,
        call_status,
        await_sec,
        duration_sec,
        talk_duration_sec,
        has_transcript,
        updated_at,
        is_future_call,
        is_unknown_direction,
        is_unknown_status,
        has_negative_duration,
        has_absurd_duration,
        has_talk_over_duration
    from flagged
)

select * from final
