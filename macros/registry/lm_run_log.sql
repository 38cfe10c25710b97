{#
    lm_run_log: one row per successful lm_registry run (written in the same transaction as the registry
    rows), and what upstream models read back from it.
#}

{# True when this invocation recomputes every call: `--full-refresh`, or var lm_full_rebuild. #}
{% macro lm_is_full_rebuild() %}
    {{ return(flags.FULL_REFRESH or lm_var('lm_full_rebuild')) }}
{% endmacro %}

{#
    SQL literal of the latest source_high_water_at recorded in lm_run_log (the maximum over every logged
    run), for upstream models to select only calls changed since then:

        {%- set high_water = lm_last_high_water() %}
        ...
        where {{ high_water }} is null or history.updated_at >= {{ high_water }}

    Returns the text 'null' when every call must be recomputed: at parse time (execute is false), when
    lm_run_log does not exist yet or holds no value, on --full-refresh, or with var lm_full_rebuild true.
    log_relation: the run log as the caller reads it (in the LM project ref('stg_lm_state__run_log'), so
    the dependency is in the lineage); default the table itself.
#}
{% macro lm_last_high_water(log_relation=none) %}
    {%- if not execute or lm_is_full_rebuild() -%}
        {{ return('null') }}
    {%- endif -%}
    {%- set log_relation = log_relation if log_relation is not none else lm_run_log_relation() -%}
    {%- set existing_log = adapter.get_relation(
        database=log_relation.database,
        schema=log_relation.schema,
        identifier=log_relation.identifier,
    ) -%}
    {%- if existing_log is none -%}
        {{ return('null') }}
    {%- endif -%}
    {%- set result = run_query(
        'select max(source_high_water_at) as source_high_water_at from ' ~ existing_log
    ) -%}
    {%- set high_water = result.rows[0][0] if result.rows | length > 0 else none -%}
    {{ return(lm_timestamp_literal(high_water)) }}
{% endmacro %}

{# The row appended after a successful write. #}
{% macro lm_run_log_insert_sql(log_relation, target_relation, batch_relation, counts) %}
    {%- set settings_json = tojson(lm_settings_snapshot()) %}
    insert into {{ log_relation }} (
        invocation_id,
        relation_name,
        run_started_at,
        calc_source,
        calc_profile,
        lm_version,
        is_full_refresh,
        scope_calls,
        rows_written,
        rows_deleted,
        source_high_water_at,
        scope_reason,
        settings_fingerprint,
        settings_json
    )
    select
        {{ lm_sql_string(invocation_id) }} as invocation_id,
        {{ lm_sql_string(target_relation.schema ~ '.' ~ target_relation.identifier) }} as relation_name,
        {{ lm_timestamp_literal(run_started_at) }} as run_started_at,
        {{ lm_sql_string(lm_var('lm_calc_source')) }} as calc_source,
        {{ lm_sql_string(lm_var('lm_calc_profile')) }} as calc_profile,
        {{ lm_sql_string(lm_var('lm_version')) }} as lm_version,
        {{ 'true' if lm_is_full_rebuild() else 'false' }} as is_full_refresh,
        {{ counts.scope_calls }} as scope_calls,
        {{ counts.rows_written }} as rows_written,
        {{ counts.rows_deleted }} as rows_deleted,
        {%- if batch_relation is not none %}
        (select max(source_high_water_at) from {{ batch_relation }}) as source_high_water_at,
        (select max(scope_reason) from {{ batch_relation }}) as scope_reason,
        {%- else %}
        null as source_high_water_at,
        null as scope_reason,
        {%- endif %}
        {{ lm_sql_string(local_md5(settings_json)) }} as settings_fingerprint,
        {{ lm_sql_string(settings_json) }} as settings_json
{% endmacro %}
