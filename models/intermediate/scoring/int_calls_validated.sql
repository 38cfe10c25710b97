-- Every call, with the reason it cannot be scored (NULL when it can). The single place where LM decides
-- what is quarantined; everything that can be interpreted gets a documented fallback instead
-- (see int_calls_enriched). A view: always the whole history, never stale.
{{ config(materialized='view') }}

with

calls as (
    select
        history_id,
        call_started_at,
        caller_key,
        call_status,
        direction,
        updated_at,
        is_future_call,
        is_unknown_status,
        is_unknown_direction
    from {{ ref('stg_operatorbot__call_history') }}
),

final as (
    select
        history_id,
        call_started_at,
        caller_key,
        call_status,
        direction,
        updated_at,
        case
            when is_future_call then 'future_call_start'
            when is_unknown_status then 'unknown_call_status'
            when is_unknown_direction then 'unknown_direction'
        end as quarantine_reason
    from calls
)

select * from final
