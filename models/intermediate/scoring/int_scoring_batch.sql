-- One row describing this scoring run: full or incremental, the change cut-off, and the source high
-- water (latest updated_at seen in call_history and call_scores, ignoring stamps after the database clock
-- so that a dirty future timestamp cannot push the next run's cut-off past real changes). The lm_value
-- materialization writes it to lm_run_log; the next run starts from its source_high_water_at.
{%- set decision = lm_scope_decision(ref('stg_lm_state__run_log'), ref('stg_lm_state__scored_calls')) %}
{%- set changed_since = decision['changed_since'] %}
{%- set changed_since_sql = 'cast(null as ' ~ lm_type_timestamp() ~ ')' if changed_since is none else changed_since %}

with

calls_high_water as (
    select max(updated_at) as high_water_at
    from {{ ref('stg_operatorbot__call_history') }}
    where updated_at <= {{ lm_now() }}
),

gradings_high_water as (
    select max(coalesce(updated_at, created_at)) as high_water_at
    from {{ ref('int_call_scores_latest') }}
    where coalesce(updated_at, created_at) <= {{ lm_now() }}
),

scope as (
    select count(*) as scope_calls
    from {{ ref('int_scoring_scope') }}
),

final as (
    select
        '{{ "full" if changed_since is none else "incremental" }}' as scope_mode,
        {{ lm_sql_string(decision['reason']) }} as scope_reason,
        {{ lm_sql_string(invocation_id) }} as invocation_id,
        {{ changed_since_sql }} as changed_since_at,
        case
            when calls_high_water.high_water_at >= coalesce(
                gradings_high_water.high_water_at, calls_high_water.high_water_at
            ) then calls_high_water.high_water_at
            else coalesce(gradings_high_water.high_water_at, calls_high_water.high_water_at)
        end as source_high_water_at,
        scope.scope_calls,
        {{ lm_sql_string(lm_var('lm_version')) }} as lm_version,
        {{ lm_sql_string(lm_var('lm_calc_profile')) }} as calc_profile,
        {{ lm_sql_string(lm_var('lm_calc_source')) }} as calc_source
    from calls_high_water
    cross join gradings_high_water
    cross join scope
)

select * from final
