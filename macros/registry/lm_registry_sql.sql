{#
    SQL pieces of the lm_registry materialization (macros/materializations/lm_registry.sql), one dispatched
    macro per dialect difference. mariadb__ twins delegate to mysql__ (dbt dispatch never falls back from
    mariadb to mysql on its own).
#}

{# ---- literals -------------------------------------------------------------------------------------- #}

{% macro lm_sql_string(value) %}
    {{ return(adapter.dispatch('lm_sql_string', 'lm')(value)) }}
{% endmacro %}

{% macro default__lm_sql_string(value) %}
    {%- if value is none -%}
        {{ return('null') }}
    {%- endif -%}
    {{ return("'" ~ (value | string | replace("'", "''")) ~ "'") }}
{% endmacro %}

{# MySQL reads backslash as an escape character inside string literals (unless NO_BACKSLASH_ESCAPES). #}
{% macro mysql__lm_sql_string(value) %}
    {%- if value is none -%}
        {{ return('null') }}
    {%- endif -%}
    {{ return("'" ~ (value | string | replace("\\", "\\\\") | replace("'", "''")) ~ "'") }}
{% endmacro %}

{% macro mariadb__lm_sql_string(value) %}
    {{ return(mysql__lm_sql_string(value)) }}
{% endmacro %}

{#
    A timestamp literal from a Python datetime (or an ISO text): `timestamp 'YYYY-MM-DD HH:MM:SS[.ffffff]'`.
    The ANSI literal reads the same on MySQL 8, MariaDB and DuckDB; a time zone, if any, is dropped.
#}
{% macro lm_timestamp_literal(value) %}
    {{ return(adapter.dispatch('lm_timestamp_literal', 'lm')(value)) }}
{% endmacro %}

{% macro default__lm_timestamp_literal(value) %}
    {%- if value is none -%}
        {{ return('null') }}
    {%- elif value is string -%}
        {%- set text = value | trim | replace('T', ' ') -%}
        {%- set text = text[:26] -%}
    {%- elif value.microsecond -%}
        {%- set text = value.strftime('%Y-%m-%d %H:%M:%S.%f') -%}
    {%- else -%}
        {%- set text = value.strftime('%Y-%m-%d %H:%M:%S') -%}
    {%- endif -%}
    {{ return("timestamp '" ~ text ~ "'") }}
{% endmacro %}


{# ---- introspection -------------------------------------------------------------------------------- #}

{# Columns of a permanent table, in table order: [{'name': lowercased name, 'data_type': type text}]. #}
{% macro lm_registry_target_columns(relation) %}
    {{ return(adapter.dispatch('lm_registry_target_columns', 'lm')(relation)) }}
{% endmacro %}

{% macro default__lm_registry_target_columns(relation) %}
    {{ return(lm_registry_information_schema_columns(relation, 'data_type', relation.database)) }}
{% endmacro %}

{# MySQL: column_type carries lengths and unsigned (int unsigned, varchar(64)); no catalogs. #}
{% macro mysql__lm_registry_target_columns(relation) %}
    {{ return(lm_registry_information_schema_columns(relation, 'column_type', none)) }}
{% endmacro %}

{% macro lm_registry_information_schema_columns(relation, type_column, catalog) %}
    {%- set result = run_query(
        "select column_name, " ~ type_column ~ " from information_schema.columns"
        ~ " where table_schema = " ~ lm_sql_string(relation.schema)
        ~ " and table_name = " ~ lm_sql_string(relation.identifier)
        ~ (" and table_catalog = " ~ lm_sql_string(catalog) if catalog else "")
        ~ " order by ordinal_position"
    ) -%}
    {%- set columns = [] -%}
    {%- for row in result.rows -%}
        {%- do columns.append({'name': (row[0] | string | lower), 'data_type': (row[1] | string)}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}

{% macro mariadb__lm_registry_target_columns(relation) %}
    {{ return(mysql__lm_registry_target_columns(relation)) }}
{% endmacro %}

{# Lowercased column names of a query's result, without running it (an impossible WHERE). #}
{% macro lm_registry_query_columns(sql) %}
    {%- set result = run_query(
        'select * from (\n' ~ sql ~ '\n) as lm_registry_model_columns where 1 = 0'
    ) -%}
    {{ return(result.column_names | map('lower') | list) }}
{% endmacro %}

{% macro lm_registry_count(relation) %}
    {%- set result = run_query('select count(*) as row_count from ' ~ relation) -%}
    {{ return(result.rows[0][0] | int) }}
{% endmacro %}


{# ---- the model's result in a temporary table ------------------------------------------------------ #}

{# `columns`: the writable target columns [{'name', 'data_type'}], which the model's result matches. #}
{% macro lm_registry_create_temp_sql(tmp_relation, sql, columns) %}
    {{ return(adapter.dispatch('lm_registry_create_temp_sql', 'lm')(tmp_relation, sql, columns)) }}
{% endmacro %}

{#
    MySQL: every column is declared with the target's type (CREATE TABLE ... SELECT keeps the declared
    type of a selected column of the same name), so values are converted once, here, exactly as the
    target will store them, and a column that is NULL in every row still gets a type (MariaDB 10.11 fails
    with errno 168 on an untyped all-NULL column of a UNION in CREATE TEMPORARY TABLE ... SELECT).
    PRIMARY KEY (history_id, metric_code): the upsert and the stale-row delete join on it, and a key the
    model returns twice fails here.
#}
{% macro mysql__lm_registry_create_temp_sql(tmp_relation, sql, columns) %}
    {%- set key_names = lm_registry_key_columns() -%}
    create temporary table {{ tmp_relation }} (
        {%- for column in columns %}
        {{ column.name }} {{ column.data_type }}{{ ' not null' if column.name in key_names }},
        {%- endfor %}
        primary key ({{ key_names | join(', ') }})
    ) as
    {{ sql }}
{% endmacro %}

{% macro mariadb__lm_registry_create_temp_sql(tmp_relation, sql, columns) %}
    {{ return(mysql__lm_registry_create_temp_sql(tmp_relation, sql, columns)) }}
{% endmacro %}

{# DuckDB: the result as it comes; the upsert casts to the target's types. #}
{% macro duckdb__lm_registry_create_temp_sql(tmp_relation, sql, columns) %}
    create temporary table {{ tmp_relation }} as (
        {{ sql }}
    )
{% endmacro %}

{% macro lm_registry_drop_temp_sql(tmp_relation) %}
    {{ return(adapter.dispatch('lm_registry_drop_temp_sql', 'lm')(tmp_relation)) }}
{% endmacro %}

{% macro default__lm_registry_drop_temp_sql(tmp_relation) %}
    drop table if exists {{ tmp_relation }}
{% endmacro %}

{# TEMPORARY: never touches a permanent table of the same name. #}
{% macro mysql__lm_registry_drop_temp_sql(tmp_relation) %}
    drop temporary table if exists {{ tmp_relation }}
{% endmacro %}

{% macro mariadb__lm_registry_drop_temp_sql(tmp_relation) %}
    {{ return(mysql__lm_registry_drop_temp_sql(tmp_relation)) }}
{% endmacro %}

{#
    Number of key values the model returned more than once. MySQL's temporary table has the key as its
    primary key, so duplicates already failed there; DuckDB's ON CONFLICT would fail on them with a
    less helpful message, so it is counted first.
#}
{% macro lm_registry_duplicate_keys(tmp_relation) %}
    {{ return(adapter.dispatch('lm_registry_duplicate_keys', 'lm')(tmp_relation)) }}
{% endmacro %}

{% macro default__lm_registry_duplicate_keys(tmp_relation) %}
    {%- set key_names = lm_registry_key_columns() | join(', ') -%}
    {%- set result = run_query(
        'select count(*) from (select ' ~ key_names ~ ' from ' ~ tmp_relation
        ~ ' group by ' ~ key_names ~ ' having count(*) > 1) as duplicated_keys'
    ) -%}
    {{ return(result.rows[0][0] | int) }}
{% endmacro %}

{% macro mysql__lm_registry_duplicate_keys(tmp_relation) %}
    {{ return(0) }}
{% endmacro %}

{% macro mariadb__lm_registry_duplicate_keys(tmp_relation) %}
    {{ return(0) }}
{% endmacro %}


{# ---- upsert --------------------------------------------------------------------------------------- #}

{#
    Insert new (history_id, metric_code) rows, update existing ones in place: id and created_at are kept.
    `columns`: the writable target columns [{'name', 'data_type'}] (everything but id/created_at/updated_at).
#}
{% macro lm_registry_upsert_sql(target_relation, tmp_relation, columns) %}
    {{ return(adapter.dispatch('lm_registry_upsert_sql', 'lm')(target_relation, tmp_relation, columns)) }}
{% endmacro %}

{#
    MySQL 8 / MariaDB: INSERT ... SELECT ... ON DUPLICATE KEY UPDATE col = src.col, naming the selected
    table's columns. VALUES(col) is deprecated since MySQL 8.0.20 (warning 1287) and the row alias that
    replaces it (INSERT ... VALUES (...) AS new) exists only for VALUES, not for SELECT, and not on MariaDB.
    updated_at is left to ON UPDATE CURRENT_TIMESTAMP, which fires only when a value really changed.
#}
{% macro mysql__lm_registry_upsert_sql(target_relation, tmp_relation, columns) %}
    {%- set key_names = lm_registry_key_columns() -%}
    insert into {{ target_relation }} (
        {%- for column in columns %}
        {{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    )
    select
        {%- for column in columns %}
        src.{{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ tmp_relation }} as src
    on duplicate key update
        {%- for column in columns | rejectattr('name', 'in', key_names) %}
        {{ column.name }} = src.{{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
{% endmacro %}

{% macro mariadb__lm_registry_upsert_sql(target_relation, tmp_relation, columns) %}
    {{ return(mysql__lm_registry_upsert_sql(target_relation, tmp_relation, columns)) }}
{% endmacro %}

{#
    DuckDB: INSERT ... ON CONFLICT (key) DO UPDATE. The selected values are cast to the target's types so
    that `excluded` holds what would be stored (DuckDB compares excluded before the implicit cast: a DOUBLE
    0.123456 would look different from the stored DECIMAL 0.1235 on every run). updated_at moves only when
    a column is distinct; now() rather than current_timestamp, which DO UPDATE SET binds as a column name.
#}
{% macro duckdb__lm_registry_upsert_sql(target_relation, tmp_relation, columns) %}
    {%- set key_names = lm_registry_key_columns() -%}
    {%- set updated_columns = columns | rejectattr('name', 'in', key_names) | list -%}
    {%- set existing = adapter.quote(target_relation.identifier) -%}
    insert into {{ target_relation }} (
        {%- for column in columns %}
        {{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    )
    select
        {%- for column in columns %}
        cast(src.{{ column.name }} as {{ column.data_type }}) as {{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ tmp_relation }} as src
    on conflict ({{ key_names | join(', ') }}) do update set
        {%- for column in updated_columns %}
        {{ column.name }} = excluded.{{ column.name }},
        {%- endfor %}
        updated_at = case
            when
                {%- for column in updated_columns %}
                {{ 'or ' if not loop.first }}{{ existing }}.{{ column.name }} is distinct from excluded.{{ column.name }}
                {%- endfor %}
                then cast(now() as timestamp)
            else {{ existing }}.updated_at
        end
{% endmacro %}


{# ---- stale rows ----------------------------------------------------------------------------------- #}

{#
    Delete the rows of calls in scope whose (history_id, metric_code) this run did not produce (a call
    moved to quarantine, a metric retired). Rows of calls outside the scope are not touched.
    Runs the statement and returns the number of rows deleted.
#}
{% macro lm_registry_delete_stale(target_relation, tmp_relation, scope_relation) %}
    {{ return(adapter.dispatch('lm_registry_delete_stale', 'lm')(target_relation, tmp_relation, scope_relation)) }}
{% endmacro %}

{#
    MySQL/MariaDB: a multi-table DELETE with joins. `WHERE (..) IN (subquery)` runs as a dependent
    subquery row by row on MariaDB. The deleted table is named in full and not aliased: dbt-mysql connects
    without a default database and an aliased delete target fails with error 1046.
    The stale rows are counted first with the same joins, as a plain (non-locking) read that the unique
    key uq_lm_value_history_metric covers (EXPLAIN: "Using index"), and the DELETE runs only when there is
    something to delete: on a full refresh it would lock and visit every row of the scope for nothing
    (1.5M rows on MariaDB 10.11: about 2-4 s for the count, 12 s for a DELETE that deletes nothing).
    MySQL 8 reads this the same way; no MariaDB-only syntax here.
#}
{% macro mysql__lm_registry_delete_stale(target_relation, tmp_relation, scope_relation) %}
    {%- set stale_rows = run_query(lm_registry_stale_rows_sql(target_relation, tmp_relation, scope_relation, 'count')) -%}
    {%- if (stale_rows.rows[0][0] | int) == 0 -%}
        {{ return(0) }}
    {%- endif -%}
    {% call statement('lm_registry_delete_stale') -%}
        {{ lm_registry_stale_rows_sql(target_relation, tmp_relation, scope_relation, 'delete') }}
    {%- endcall %}
    {{ return(load_result('lm_registry_delete_stale')['response'].rows_affected | int) }}
{% endmacro %}

{# The joins that find stale rows, as a count or as the DELETE itself (MySQL). #}
{% macro lm_registry_stale_rows_sql(target_relation, tmp_relation, scope_relation, mode) %}
    {%- if mode == 'count' %}
    select count(*) as stale_rows
    {%- else %}
    delete {{ target_relation }}
    {%- endif %}
    from {{ target_relation }}
    inner join {{ scope_relation }} as scoped_calls
        on scoped_calls.history_id = {{ target_relation }}.history_id
    left join {{ tmp_relation }} as produced_rows
        on produced_rows.history_id = {{ target_relation }}.history_id
        and produced_rows.metric_code = {{ target_relation }}.metric_code
    where produced_rows.history_id is null
{% endmacro %}

{% macro mariadb__lm_registry_delete_stale(target_relation, tmp_relation, scope_relation) %}
    {{ return(mysql__lm_registry_delete_stale(target_relation, tmp_relation, scope_relation)) }}
{% endmacro %}

{# DuckDB: DELETE ... USING the scope, anti-joined to the result; DuckDB returns the deleted count. #}
{% macro duckdb__lm_registry_delete_stale(target_relation, tmp_relation, scope_relation) %}
    {% call statement('lm_registry_delete_stale', fetch_result=True) -%}
        delete from {{ target_relation }} as registry_rows
        using {{ scope_relation }} as scoped_calls
        where scoped_calls.history_id = registry_rows.history_id
            and not exists (
                select 1
                from {{ tmp_relation }} as produced_rows
                where produced_rows.history_id = registry_rows.history_id
                    and produced_rows.metric_code = registry_rows.metric_code
            )
    {%- endcall %}
    {%- set deleted = load_result('lm_registry_delete_stale')['table'] -%}
    {{ return((deleted.rows[0][0] if deleted.rows | length > 0 else 0) | int) }}
{% endmacro %}
