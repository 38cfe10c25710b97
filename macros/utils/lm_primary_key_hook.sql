{#-
    Post-hook of the intermediate tables: adds the primary key named in the model's meta
    (`meta: {primary_key: [history_id]}` in _intermediate__models.yml). On MySQL/MariaDB, dbt creates
    tables without keys, and joins between keyless tables of a million rows are block-nested-loop
    (quadratic) there; with the key they are eq_ref lookups. DuckDB hash-joins and needs none (an index
    would also block dbt's rename-based rebuild there).
-#}
{% macro lm_primary_key_hook() %}
    {%- set columns = (model.config.get('meta') or {}).get('primary_key') -%}
    {%- if columns and model.config.materialized == 'table' -%}
        {{ return(adapter.dispatch('lm_primary_key_hook', 'lm')(this, columns)) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}

{% macro default__lm_primary_key_hook(relation, columns) %}
    {{ return('') }}
{% endmacro %}

{% macro mysql__lm_primary_key_hook(relation, columns) %}
    {{ return('alter table ' ~ relation ~ ' add primary key (' ~ (columns | join(', ')) ~ ')') }}
{% endmacro %}

{% macro mariadb__lm_primary_key_hook(relation, columns) %}
    {{ return(lm.mysql__lm_primary_key_hook(relation, columns)) }}
{% endmacro %}
