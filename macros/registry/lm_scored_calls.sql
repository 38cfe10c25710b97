{#-
    lm_scored_calls (target schema): where each call was - caller and start time - when it was last
    scored. A call whose caller_number or call_started_at is edited moves away from its old neighbours;
    their caller-context metrics change too, and only this table still knows where the call was.
    int_scoring_scope adds those old positions to the changed set (reading it as source lm_state through
    stg_lm_state__scored_calls); lm_value's post-hooks rewrite the rows of the scoped calls inside the
    registry's transaction. Created by an on-run-start hook (macros/registry/lm_state.sql); while it is
    empty the run is full (lm_scope_decision), so it always covers every scored call.
    No primary key on DuckDB: deleting and re-inserting a key in one transaction trips its ART index.
    It also keeps the grading each call was scored from (call_score_id, grading_count): a grading deleted at
    the source changes neither updated_at nor any timestamp, only this difference shows it.
-#}
{% macro lm_scored_calls_relation() %}
    {{ return(api.Relation.create(
        database=target.database,
        schema=target.schema,
        identifier='lm_scored_calls',
        type='table',
    )) }}
{% endmacro %}

{% macro lm_scored_calls_create_sql() %}
    {{ return(adapter.dispatch('lm_scored_calls_create_sql', 'lm')()) }}
{% endmacro %}

{% macro default__lm_scored_calls_create_sql() %}
    create table if not exists {{ lm_scored_calls_relation() }} (
        history_id       uinteger   not null,
        caller_key       varchar(64),
        call_started_at  timestamp  not null,
        call_score_id    uinteger,
        grading_count    integer
    )
{% endmacro %}

{% macro mysql__lm_scored_calls_create_sql() %}
    create table if not exists {{ lm_scored_calls_relation() }} (
        history_id       int unsigned  not null primary key,
        caller_key       char(64)      null,
        call_started_at  datetime      not null,
        call_score_id    int unsigned  null,
        grading_count    int           null
    ) engine=InnoDB default charset=utf8mb4
{% endmacro %}

{% macro mariadb__lm_scored_calls_create_sql() %}
    {{ return(lm.mysql__lm_scored_calls_create_sql()) }}
{% endmacro %}

{% macro lm_scored_calls_delete_sql(scope) %}
    {{ return(adapter.dispatch('lm_scored_calls_delete_sql', 'lm')(scope)) }}
{% endmacro %}

{% macro default__lm_scored_calls_delete_sql(scope) %}
    delete from {{ lm_scored_calls_relation() }}
    where history_id in (select history_id from {{ scope }})
{% endmacro %}

{# Join-based: MariaDB runs DELETE ... IN (subquery) row by row. Fully qualified: no default database. #}
{% macro mysql__lm_scored_calls_delete_sql(scope) %}
    {%- set scored_calls = lm_scored_calls_relation() -%}
    delete {{ scored_calls }}
    from {{ scored_calls }}
    inner join {{ scope }}
        on {{ scored_calls }}.history_id = {{ scope }}.history_id
{% endmacro %}

{% macro mariadb__lm_scored_calls_delete_sql(scope) %}
    {{ return(lm.mysql__lm_scored_calls_delete_sql(scope)) }}
{% endmacro %}

{# Calls gone from call_history leave the table (their lm_value rows are deleted by the same run). #}
{% macro lm_scored_calls_insert_sql(scope) %}
    insert into {{ lm_scored_calls_relation() }} (history_id, caller_key, call_started_at, call_score_id, grading_count)
    select
        history_id,
        caller_key,
        call_started_at,
        call_score_id,
        grading_count
    from {{ scope }}
    where not is_gone_from_source
{% endmacro %}
