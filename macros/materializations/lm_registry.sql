{#
    lm_registry: writes a model's rows into the lm_value registry in place, on MySQL 8 / MariaDB and DuckDB.

    The table is created with the project's DDL when absent (macros/registry/lm_registry_ddl.sql) and is
    never dropped, renamed or swapped, not even on --full-refresh: a full refresh recomputes into it.

    Per run, in one transaction:
      1. the model's result goes to a temporary table (MySQL: primary key (history_id, metric_code));
      2. rows of calls in the scope whose (history_id, metric_code) the run did not produce are deleted
         (a call moved to quarantine, a metric retired); rows of calls outside the scope are untouched;
      3. upsert keyed on (history_id, metric_code): new rows inserted, existing rows updated in place
         (id and created_at kept; updated_at set only when a value changed);
      4. one row is appended to lm_run_log (target.schema).
    Steps 2 and 3 touch disjoint keys, so the table ends as "upsert, then delete what was not produced".

    Model config:
      scope_relation  (required) name of the model holding one row per history_id recomputed this run;
      batch_relation  (optional) name of a one-row model with column source_high_water_at, logged;
      require_same_invocation  (optional, default false) refuse to write unless every model upstream of
                      this one is selected in this dbt invocation and the scope and batch relations carry
                      this invocation's id (column invocation_id): a scope or metric table left by another
                      run (an interleaved or concurrent one) would write or delete the wrong rows;
      plus dbt's schema / alias / pre_hook / post_hook / grants / persist_docs.
    Both relations are resolved with ref() at run time, so the model must depend on them, e.g.
        -- depends_on: {{ ref('int_scoring_scope') }}
    The model returns exactly the writable columns of the table (all but id, created_at, updated_at).
#}
{% materialization lm_registry, default %}

    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set scope_relation = lm_registry_config_relation('scope_relation', required=true) -%}
    {%- set batch_relation = lm_registry_config_relation('batch_relation', required=false) -%}
    {%- set tmp_relation = make_temp_relation(target_relation) -%}
    {%- set log_relation = lm_run_log_relation() -%}

    {%- if existing_relation is not none and not existing_relation.is_table -%}
        {{ exceptions.raise_compiler_error(
            "lm_registry: " ~ existing_relation ~ " exists as a " ~ existing_relation.type
            ~ "; the registry must be a table and is never replaced by dbt. Drop or rename it by hand."
        ) }}
    {%- endif -%}

    {%- if config.get('require_same_invocation', false) -%}
        {% do lm_registry_check_same_invocation(scope_relation, batch_relation) %}
    {%- endif -%}

    {{ lm_registry_run_hooks(pre_hooks, inside_transaction=False) }}

    {#-- DDL first, outside the write transaction (MySQL commits implicitly on CREATE TABLE). --#}
    {%- if existing_relation is none -%}
        {% call statement('lm_registry_create_target', auto_begin=False) -%}
            {{ lm_value_create_sql(target_relation) }}
        {%- endcall %}
    {%- endif -%}
    {%- if adapter.get_relation(
            database=log_relation.database,
            schema=log_relation.schema,
            identifier=log_relation.identifier) is none -%}
        {% do adapter.create_schema(log_relation) %}
        {% call statement('lm_registry_create_run_log', auto_begin=False) -%}
            {{ lm_run_log_create_sql(log_relation) }}
        {%- endcall %}
        {% do adapter.cache_added(log_relation) %}
    {%- endif -%}

    {{ lm_registry_run_hooks(pre_hooks, inside_transaction=True) }}

    {#-- The model must return exactly the writable columns; checked before anything is written. --#}
    {%- set managed_names = lm_registry_managed_columns() -%}
    {%- set writable_columns = lm_registry_target_columns(target_relation)
        | rejectattr('name', 'in', managed_names) | list -%}
    {%- set writable_names = writable_columns | map(attribute='name') | list -%}
    {%- set produced_names = lm_registry_query_columns(compiled_code) -%}
    {%- set missing_names = writable_names | reject('in', produced_names) | list -%}
    {%- set unexpected_names = produced_names | reject('in', writable_names) | list -%}
    {%- if writable_names | length == 0 or missing_names or unexpected_names -%}
        {{ exceptions.raise_compiler_error(
            "lm_registry: model " ~ model.name ~ " must return exactly the columns "
            ~ (writable_names | join(', ')) ~ " of " ~ target_relation
            ~ "; missing: [" ~ (missing_names | join(', ')) ~ "]"
            ~ ", not in the table or managed by it: [" ~ (unexpected_names | join(', ')) ~ "]"
        ) }}
    {%- endif -%}

    {#-- The model's result. --#}
    {% call statement('lm_registry_drop_stale_temp') -%}
        {{ lm_registry_drop_temp_sql(tmp_relation) }}
    {%- endcall %}
    {% call statement('lm_registry_build_temp') -%}
        {{ lm_registry_create_temp_sql(tmp_relation, compiled_code, writable_columns) }}
    {%- endcall %}
    {%- set duplicate_keys = lm_registry_duplicate_keys(tmp_relation) -%}
    {%- if duplicate_keys > 0 -%}
        {{ exceptions.raise_compiler_error(
            "lm_registry: model " ~ model.name ~ " returned " ~ duplicate_keys
            ~ " (history_id, metric_code) keys more than once"
        ) }}
    {%- endif -%}

    {%- set rows_written = lm_registry_count(tmp_relation) -%}
    {%- set scope_calls = lm_registry_count(scope_relation) -%}

    {#--
        Stale rows of the calls in scope, then the upsert. The two touch disjoint keys (the upsert only
        the keys the run produced, the delete only the others), so the order does not change the result;
        deleting first reads rows this transaction has not modified yet, which InnoDB serves from the
        unique key alone (7.5 s instead of 1.6 s for 1.5M rows when counted after a 1.5M-row upsert).
    --#}
    {%- set rows_deleted = lm_registry_delete_stale(target_relation, tmp_relation, scope_relation) -%}
    {% call statement('lm_registry_upsert') -%}
        {{ lm_registry_upsert_sql(target_relation, tmp_relation, writable_columns) }}
    {%- endcall %}

    {% call statement('lm_registry_run_log') -%}
        {{ lm_run_log_insert_sql(
            log_relation,
            target_relation,
            batch_relation,
            {'scope_calls': scope_calls, 'rows_written': rows_written, 'rows_deleted': rows_deleted},
        ) }}
    {%- endcall %}

    {% do persist_docs(target_relation, model) %}

    {{ lm_registry_run_hooks(post_hooks, inside_transaction=True) }}

    {#-- Rows, deletes and the log row are committed together. --#}
    {% do adapter.commit() %}

    {% call statement('lm_registry_drop_temp', auto_begin=False) -%}
        {{ lm_registry_drop_temp_sql(tmp_relation) }}
    {%- endcall %}

    {%- set grant_config = config.get('grants') -%}
    {% do apply_grants(target_relation, grant_config, should_revoke=True) %}

    {{ lm_registry_run_hooks(post_hooks, inside_transaction=False) }}

    {% do store_raw_result(
        name='main',
        message='LM_REGISTRY ' ~ rows_written ~ ' written, ' ~ rows_deleted ~ ' deleted, '
            ~ scope_calls ~ ' calls in scope',
        code='LM_REGISTRY',
        rows_affected=rows_written,
    ) %}

    {{ return({'relations': [target_relation]}) }}

{% endmaterialization %}


{#
    The registry writes only what this invocation computed: every model upstream of it must be selected
    now (dbt skips this model when one of them fails), and the scope and batch relations must hold this
    invocation's id - else another run rebuilt them in between (runs overlapping, or steps of two runs
    interleaved). Raises, before anything is written.
#}
{% macro lm_registry_check_same_invocation(scope_relation, batch_relation) %}
    {%- set upstream = [] -%}
    {%- set todo = model.depends_on.nodes | list -%}
    {%- for _ in range(1000) if todo -%}
        {%- set unique_id = todo.pop() -%}
        {%- if unique_id not in upstream and unique_id in graph.nodes
            and graph.nodes[unique_id].resource_type == 'model' -%}
            {%- do upstream.append(unique_id) -%}
            {%- do todo.extend(graph.nodes[unique_id].depends_on.nodes) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set not_selected = upstream | reject('in', selected_resources) | map('replace', 'model.' ~ project_name ~ '.', '') | sort -%}
    {%- if not_selected -%}
        {{ exceptions.raise_compiler_error(
            "lm_registry: refusing to write " ~ this ~ ": its upstream models are not built in this invocation ("
            ~ (not_selected | join(', ')) ~ "). Build it with them: dbt build --select +" ~ model.name
        ) }}
    {%- endif -%}
    {%- set relations = [scope_relation] + ([batch_relation] if batch_relation is not none else []) -%}
    {%- for relation in relations -%}
        {%- set foreign = run_query(
            'select count(*) from ' ~ relation ~ ' where invocation_id is null or invocation_id <> '
            ~ lm_sql_string(invocation_id)
        ).rows[0][0] -%}
        {%- if foreign > 0 -%}
            {{ exceptions.raise_compiler_error(
                "lm_registry: refusing to write " ~ this ~ ": " ~ relation ~ " holds " ~ foreign
                ~ " rows of another dbt invocation (another LM run rebuilt it meanwhile?). Nothing was written."
            ) }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{#
    A relation named in the model config: a model name ('int_scoring_scope' or 'package.model'),
    resolved with ref() at run time (config values are captured at parse time, when ref() does not yet
    point at the real table, so the config holds the name, not the relation).
#}
{% macro lm_registry_config_relation(config_key, required) %}
    {%- set configured = config.get(config_key) -%}
    {%- if configured is none or (configured is string and configured | trim == '') -%}
        {%- if required -%}
            {{ exceptions.raise_compiler_error(
                "lm_registry: model " ~ model.name ~ " needs config '" ~ config_key
                ~ "' (the name of a model, e.g. 'int_scoring_scope')"
            ) }}
        {%- endif -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if configured is not string -%}
        {{ exceptions.raise_compiler_error(
            "lm_registry: config '" ~ config_key ~ "' of model " ~ model.name
            ~ " must be a model name (text), not " ~ configured
        ) }}
    {%- endif -%}
    {%- set parts = (configured | trim).split('.') -%}
    {%- if parts | length == 2 -%}
        {{ return(ref(parts[0], parts[1])) }}
    {%- endif -%}
    {{ return(ref(parts[0])) }}
{% endmacro %}


{#
    dbt's run_hooks, with a different take on hooks configured `transaction: false`: each one runs in its
    own transaction and is committed right away. dbt's version sends a bare `commit;` before them, which
    DuckDB rejects when no transaction is open (dbt-duckdb 1.7.5, duckdb/dbt-duckdb#537), and on MySQL it
    leaves the rows of a post-hook uncommitted (the connector does not autocommit).
    Hooks inside the transaction run as in dbt and are committed with the registry rows.
#}
{% macro lm_registry_run_hooks(hooks, inside_transaction=True) %}
    {%- for hook in hooks | selectattr('transaction', 'equalto', inside_transaction) -%}
        {%- set rendered = render(hook.get('sql')) | trim -%}
        {%- if rendered | length > 0 -%}
            {% call statement(auto_begin=True) -%}
                {{ rendered }}
            {%- endcall %}
            {%- if not inside_transaction -%}
                {% do adapter.commit() %}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
