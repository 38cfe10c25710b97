{#-
    LM's incremental state (source lm_state: lm_run_log, lm_scored_calls) lives in target.schema and is
    created by the project's on-run-start hooks (dbt_project.yml), before any model reads it:

        on-run-start:
          - "{{ lm_state_schema_create_sql() }}"
          - "{{ lm_run_log_create_sql(lm_run_log_relation()) }}"
          - "{{ lm_scored_calls_create_sql() }}"

    Each statement is `create ... if not exists`, so every run may send them. Only the lm_registry
    materialization writes rows into these tables (macros/registry/lm_run_log.sql, lm_scored_calls.sql).
-#}
{% macro lm_state_schema_create_sql() %}
    {%- set schema_relation = api.Relation.create(database=target.database, schema=target.schema) -%}
    {{ return('create schema if not exists ' ~ schema_relation.without_identifier()) }}
{% endmacro %}
