-- Gradings (the latest per history_id) that point to a call that does not exist in call_history.
-- They cannot be scored or written to lm_value (its foreign key forbids it); listed here for the data owner.
{{ config(materialized='view') }}

with

gradings as (
    select
        call_score_id,
        history_id,
        call_date,
        scored_by,
        updated_at
    from {{ ref('int_call_scores_latest') }}
),

calls as (
    select history_id
    from {{ ref('stg_operatorbot__call_history') }}
),

final as (
    select
        gradings.call_score_id,
        gradings.history_id,
        gradings.call_date,
        gradings.scored_by,
        gradings.updated_at,
        'no_such_call' as quarantine_reason
    from gradings
    left join calls
        on gradings.history_id = calls.history_id
    where calls.history_id is null
)

select * from final
