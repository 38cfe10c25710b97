{#-
    SQL of the statistics layer's incremental tables (fct_calls, agg_lm_daily_metric_stats), one
    dispatched macro per dialect difference; mariadb__ twins delegate to mysql__.

    Both tables use dbt's incremental materialization in append mode: a pre-hook deletes the rows this
    run recomputes (the calls of int_scoring_scope, the days of int_stats_refresh_days), then dbt appends
    the recomputed rows, in the same transaction.
-#}

{#- Pre-hook: delete the target's rows whose key_column is in keys_relation (only on incremental runs). -#}
{% macro lm_stats_delete_recomputed(keys_relation, key_column, target_column=none) %}
    {%- if not execute or not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(adapter.dispatch('lm_stats_delete_recomputed_sql', 'lm')(
        this, keys_relation, key_column, target_column or key_column
    )) }}
{% endmacro %}

{% macro default__lm_stats_delete_recomputed_sql(target, keys_relation, key_column, target_column) %}
    {{ return(
        'delete from ' ~ target ~ ' where ' ~ target_column ~ ' in (select ' ~ key_column ~ ' from '
        ~ keys_relation ~ ')'
    ) }}
{% endmacro %}

{# Join-based: MariaDB runs DELETE ... IN (subquery) row by row. Fully qualified: no default database. #}
{% macro mysql__lm_stats_delete_recomputed_sql(target, keys_relation, key_column, target_column) %}
    {{ return(
        'delete ' ~ target ~ ' from ' ~ target ~ ' inner join (select distinct ' ~ key_column ~ ' as lm_key from '
        ~ keys_relation ~ ') as recomputed on ' ~ target ~ '.' ~ target_column ~ ' = recomputed.lm_key'
    ) }}
{% endmacro %}

{% macro mariadb__lm_stats_delete_recomputed_sql(target, keys_relation, key_column, target_column) %}
    {{ return(lm.mysql__lm_stats_delete_recomputed_sql(target, keys_relation, key_column, target_column)) }}
{% endmacro %}


{#-
    Post-hook: the BI indexes of a table on MySQL/MariaDB, each created when missing (dbt's CREATE TABLE AS
    makes none; the incremental table keeps them across runs). DuckDB: none (its scans need none, and an
    index would block dbt's rename-based full refresh). indexes: list of {'name': ..., 'columns': [...],
    'unique': bool}.
-#}
{% macro lm_stats_index_hook(indexes) %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(adapter.dispatch('lm_stats_index_hook', 'lm')(this, indexes)) }}
{% endmacro %}

{% macro default__lm_stats_index_hook(relation, indexes) %}
    {{ return('') }}
{% endmacro %}

{% macro mysql__lm_stats_index_hook(relation, indexes) %}
    {%- set existing = run_query(
        "select distinct index_name from information_schema.statistics where table_schema = "
        ~ lm_sql_string(relation.schema) ~ " and table_name = " ~ lm_sql_string(relation.identifier)
    ).columns[0].values() | map('lower') | list -%}
    {%- set missing = [] -%}
    {%- for index in indexes if (index['name'] | lower) not in existing -%}
        {%- do missing.append(
            'add ' ~ ('unique ' if index.get('unique') else '') ~ 'index ' ~ index['name']
            ~ ' (' ~ (index['columns'] | join(', ')) ~ ')'
        ) -%}
    {%- endfor -%}
    {%- if not missing -%}
        {{ return('') }}
    {%- endif -%}
    {{ return('alter table ' ~ relation ~ ' ' ~ (missing | join(', '))) }}
{% endmacro %}

{% macro mariadb__lm_stats_index_hook(relation, indexes) %}
    {{ return(lm.mysql__lm_stats_index_hook(relation, indexes)) }}
{% endmacro %}


{#-
    The relation of a model of this project by name, as it is now in the warehouse (none when absent),
    without a ref(): int_stats_refresh_days reads the previous state of fct_calls, which is built after it.
-#}
{% macro lm_stats_existing_relation(identifier) %}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(database=this.database, schema=this.schema, identifier=identifier)) }}
{% endmacro %}
