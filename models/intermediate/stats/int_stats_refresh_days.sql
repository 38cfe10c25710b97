-- The call dates whose statistics this run recomputes, one row each: the dates the calls of this run's
-- scope (int_scoring_scope) have now, and the dates fct_calls still holds for them from the previous
-- run (a call moved to another day, quarantined or deleted at the source leaves its old day too).
-- Built before fct_calls (which depends on it), so the previous fct_calls is read as it is in the
-- warehouse, without a ref() (that would be a cycle); on the first run it does not exist yet.
{%- set previous_facts = lm_stats_existing_relation('fct_calls') %}
{#- before the first build of fct_calls: an empty relation of the same shape -#}
{%- set previous_source = previous_facts if previous_facts is not none else
    '(select history_id, call_date from ' ~ ref('stg_operatorbot__call_history') ~ ' where 1 = 0)' %}

with

scope as (
    select history_id
    from {{ ref('int_scoring_scope') }}
),

calls as (
    select
        history_id,
        call_date
    from {{ ref('stg_operatorbot__call_history') }}
),

current_days as (
    select calls.call_date
    from scope
    inner join calls
        on scope.history_id = calls.history_id
),

previous_days as (
    select previous_facts.call_date
    from scope
    inner join {{ previous_source }} as previous_facts
        on scope.history_id = previous_facts.history_id
),

all_days as (
    select call_date
    from current_days
    union distinct
    select call_date
    from previous_days
),

final as (
    select
        call_date,
        {{ lm_sql_string(invocation_id) }} as invocation_id
    from all_days
    where call_date is not null
)

select * from final
