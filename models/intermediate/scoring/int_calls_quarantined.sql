-- Calls LM cannot score, one row each with the reason. Valid calls (in lm_value) + these = every call.
{{ config(materialized='view') }}

with

validated as (
    select
        history_id,
        call_started_at,
        call_status,
        direction,
        updated_at,
        quarantine_reason
    from {{ ref('int_calls_validated') }}
),

final as (
    select
        history_id,
        call_started_at,
        call_status,
        direction,
        updated_at,
        quarantine_reason
    from validated
    where quarantine_reason is not null
)

select * from final
