{#-
    LM's incremental state (source lm_state: lm_run_log, lm_scored_calls) lives in target.schema and is
    created by the project's on-run-start hooks (dbt_project.yml), before any model reads it:

        on-run-start:
          - "{{ lm_state_schema_create_sql() }}"
          - "{{ lm_run_log_migration_sql('scope_reason') }}"       (one per column an older LM lacks)
          - "{{ lm_scored_calls_migration_sql() }}"
          - "{{ lm_run_log_create_sql(lm_run_log_relation()) }}"
          - "{{ lm_scored_calls_create_sql() }}"

    Each statement is `create ... if not exists`, so every run may send them. Only the lm_registry
    materialization writes rows into these tables (macros/registry/lm_run_log.sql, lm_scored_calls.sql).
-#}
{% macro lm_state_schema_create_sql() %}
    {%- set schema_relation = api.Relation.create(database=target.database, schema=target.schema) -%}
    {{ return('create schema if not exists ' ~ schema_relation.without_identifier()) }}
{% endmacro %}

{#-
    Migration of the state tables of an older LM version, before they are created or read; one statement
    per hook (dbt runs and commits each hook on its own), '' when there is nothing to do:
    lm_run_log (history, kept) gets each column it lacks; lm_scored_calls (derived state) without its
    grading columns is dropped, so the next hook creates it anew and the run is full.
-#}
{% macro lm_run_log_migration_sql(column) %}
    {%- set column_types = {
        'scope_reason': 'varchar(255)',
        'settings_fingerprint': 'varchar(32)',
        'settings_json': 'text' if target.type in ['mysql', 'mariadb'] else 'varchar(8000)',
    } -%}
    {%- set relation = lm_run_log_relation() -%}
    {%- set present = lm_state_column_names(relation) -%}
    {%- if present | length == 0 or column in present -%}
        {{ return('') }}
    {%- endif -%}
    {{ log('lm: lm_run_log gets column ' ~ column ~ ' (state of an older LM version)', info=true) }}
    {{ return('alter table ' ~ relation ~ ' add column ' ~ column ~ ' ' ~ column_types[column]) }}
{% endmacro %}

{% macro lm_scored_calls_migration_sql() %}
    {%- set relation = lm_scored_calls_relation() -%}
    {%- set columns = lm_registry_target_columns(relation) if execute else [] -%}
    {%- set caller_key_types = columns | selectattr('name', 'equalto', 'caller_key') | map(attribute='data_type') | list -%}
    {%- set present = columns | map(attribute='name') | list -%}
    {%- if present | length == 0 or ('grading_count' in present and caller_key_types != ['char(32)']) -%}
        {{ return('') }}
    {%- endif -%}
    {{ log('lm: lm_scored_calls of an older LM version dropped; this run recomputes every call', info=true) }}
    {{ return('drop table ' ~ relation) }}
{% endmacro %}

{#- Lowercased column names of a state table, [] when it does not exist. Read through run_query on
    information_schema (lm_registry_target_columns), not adapter introspection: on DuckDB the latter opens
    a transaction on the hook connection that is never committed, and the hook's DDL would be lost. -#}
{% macro lm_state_column_names(relation) %}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {{ return(lm_registry_target_columns(relation) | map(attribute='name') | map('lower') | list) }}
{% endmacro %}

{#-
    on-run-start check: the caller-key secret (source lm_state.lm_caller_secret) is installed. The `lm`
    command installs it from env LM_CALLER_SALT before it runs dbt; plain dbt cannot (the key must not be
    rendered into SQL), so a missing key stops the run here with what to do, before any model runs.
-#}
{% macro lm_caller_secret_check() %}
    {%- if execute and lm_caller_key_id() is none -%}
        {{ exceptions.raise_compiler_error(
            "lm: no caller-key secret in " ~ lm_caller_secret_relation() ~ ". Run `lm secret install` (or "
            ~ "`lm build`, which installs it) with LM_CALLER_SALT set; the key is never passed to dbt itself."
        ) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}

{#- The table of the caller-key secret (written by src/lm/secret.py, which names it lm_caller_secret too). -#}
{% macro lm_caller_secret_relation() %}
    {{ return(api.Relation.create(
        database=target.database, schema=target.schema, identifier='lm_caller_secret', type='table')) }}
{% endmacro %}

{#- The key id of the installed caller-key secret (part of the settings fingerprint), or none. -#}
{% macro lm_caller_key_id() %}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set relation = lm_caller_secret_relation() -%}
    {%- if lm_state_column_names(relation) | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rows = run_query('select key_id from ' ~ relation ~ ' where secret_id = 1').rows -%}
    {{ return(rows[0][0] if rows | length > 0 else none) }}
{% endmacro %}
