{#
    DDL owned by the project for the two tables the lm_registry materialization writes:

    - lm_value: the registry (LM_SPEC.md, "The output: lm_value"). Created once when absent, then only
      written in place: dbt never drops, renames or swaps it, not even on --full-refresh (its foreign
      keys and indexes would break dbt's rename-based rebuilds on both targets).
    - lm_run_log: one row per successful lm_registry run, in target.schema.

    dbt dispatch resolves adapter type `mariadb` to mariadb__ then default__ (the mariadb plugin does not
    declare mysql as a parent), so every mysql__ implementation has a mariadb__ twin that delegates to it.
#}

{# Key of the registry: one row per call per metric (unique key uq_lm_value_history_metric). #}
{% macro lm_registry_key_columns() %}
    {{ return(['history_id', 'metric_code']) }}
{% endmacro %}

{# Columns the database maintains itself; a model must not return them. #}
{% macro lm_registry_managed_columns() %}
    {{ return(['id', 'created_at', 'updated_at']) }}
{% endmacro %}

{% macro lm_source_relation(table_name) %}
    {{ return(api.Relation.create(
        database=target.database,
        schema=lm_source_schema(),
        identifier=table_name,
        type='table',
    )) }}
{% endmacro %}


{# ---- lm_value ------------------------------------------------------------------------------------- #}

{% macro lm_value_create_sql(relation) %}
    {{ return(adapter.dispatch('lm_value_create_sql', 'lm')(relation)) }}
{% endmacro %}

{% macro default__lm_value_create_sql(relation) %}
    {{ exceptions.raise_compiler_error(
        "lm_value_create_sql: adapter type '" ~ adapter.type() ~ "' is not supported (mysql, mariadb, duckdb)"
    ) }}
{% endmacro %}

{# Exactly the spec's MySQL DDL; the foreign keys point at the source tables in var lm_source_schema. #}
{% macro mysql__lm_value_create_sql(relation) %}
    create table if not exists {{ relation }} (
        id               bigint unsigned not null auto_increment,
        history_id       int unsigned    not null,
        call_score_id    int unsigned    null,
        metric_code      varchar(64)     not null,
        metric_group     varchar(32)     not null,
        value_numeric    decimal(10,4)   null,
        value_label      varchar(255)    null,
        value_json       json            null,
        lm_version       varchar(32)     not null,
        calc_method      varchar(32)     not null,
        calc_source      varchar(64)     null,
        created_at       datetime        not null default current_timestamp,
        updated_at       datetime        null on update current_timestamp,
        primary key (id),
        unique key uq_lm_value_history_metric (history_id, metric_code),
        key idx_lm_value_history      (history_id),
        key idx_lm_value_call_score   (call_score_id),
        key idx_lm_value_metric_group (metric_group),
        constraint fk_lm_value_call_history
            foreign key (history_id) references {{ lm_source_relation('call_history') }} (history_id),
        constraint fk_lm_value_call_scores
            foreign key (call_score_id) references {{ lm_source_relation('call_scores') }} (id)
    ) engine=InnoDB default charset=utf8mb4
{% endmacro %}

{% macro mariadb__lm_value_create_sql(relation) %}
    {{ return(mysql__lm_value_create_sql(relation)) }}
{% endmacro %}

{#
    DuckDB: the closest equivalent.
    - id comes from a sequence <identifier>_id_seq in the same schema (no AUTO_INCREMENT in DuckDB);
    - PRIMARY KEY (id) and UNIQUE (history_id, metric_code): the unique constraint is the conflict target
      of the upsert (INSERT ... ON CONFLICT ... DO UPDATE);
    - no FOREIGN KEY and no CREATE INDEX: in DuckDB both make the table impossible to rename and, for
      indexes on updated columns, turn updates into delete+insert with spurious constraint errors
      (shared/DBT_MYSQL_NOTES.md). Scans are fast without them;
    - updated_at has no ON UPDATE in DuckDB: the upsert sets it only when a value changed.
#}
{% macro duckdb__lm_value_create_sql(relation) %}
    {%- set sequence_name = adapter.quote(relation.schema) ~ '.' ~ adapter.quote(relation.identifier ~ '_id_seq') -%}
    create sequence if not exists {{ relation.database and (adapter.quote(relation.database) ~ '.') or '' }}{{ sequence_name }};
    create table if not exists {{ relation }} (
        id               bigint          not null default nextval('{{ sequence_name }}'),
        history_id       uinteger        not null,
        call_score_id    uinteger,
        metric_code      varchar(64)     not null,
        metric_group     varchar(32)     not null,
        value_numeric    decimal(10,4),
        value_label      varchar(255),
        value_json       json,
        lm_version       varchar(32)     not null,
        calc_method      varchar(32)     not null,
        calc_source      varchar(64),
        created_at       timestamp       not null default current_timestamp,
        updated_at       timestamp,
        primary key (id),
        unique (history_id, metric_code)
    )
{% endmacro %}


{# ---- lm_run_log ----------------------------------------------------------------------------------- #}

{% macro lm_run_log_relation() %}
    {{ return(api.Relation.create(
        database=target.database,
        schema=target.schema,
        identifier='lm_run_log',
        type='table',
    )) }}
{% endmacro %}

{% macro lm_run_log_create_sql(relation) %}
    {{ return(adapter.dispatch('lm_run_log_create_sql', 'lm')(relation)) }}
{% endmacro %}

{% macro default__lm_run_log_create_sql(relation) %}
    create table if not exists {{ relation }} (
        invocation_id         varchar(64)   not null,
        relation_name         varchar(255)  not null,
        run_started_at        timestamp     not null,
        logged_at             timestamp     not null default current_timestamp,
        calc_source           varchar(64),
        calc_profile          varchar(64),
        lm_version            varchar(32),
        is_full_refresh       boolean       not null,
        scope_calls           bigint        not null,
        rows_written          bigint        not null,
        rows_deleted          bigint        not null,
        source_high_water_at  timestamp,
        scope_reason          varchar(255),
        settings_fingerprint  varchar(32),
        settings_json         varchar(8000)
    )
{% endmacro %}

{#
    MySQL: a surrogate primary key, so that the table can be created on servers that require one
    (sql_require_primary_key, common on managed MySQL 8).
#}
{% macro mysql__lm_run_log_create_sql(relation) %}
    create table if not exists {{ relation }} (
        id                    bigint unsigned not null auto_increment,
        invocation_id         varchar(64)   not null,
        relation_name         varchar(255)  not null,
        run_started_at        datetime      not null,
        logged_at             datetime(6)   not null default current_timestamp(6),
        calc_source           varchar(64)   null,
        calc_profile          varchar(64)   null,
        lm_version            varchar(32)   null,
        is_full_refresh       tinyint(1)    not null,
        scope_calls           bigint        not null,
        rows_written          bigint        not null,
        rows_deleted          bigint        not null,
        source_high_water_at  datetime      null,
        scope_reason          varchar(255)  null,
        settings_fingerprint  char(32)      null,
        settings_json         text          null,
        primary key (id),
        key idx_lm_run_log_logged_at (logged_at)
    ) engine=InnoDB default charset=utf8mb4
{% endmacro %}

{% macro mariadb__lm_run_log_create_sql(relation) %}
    {{ return(mysql__lm_run_log_create_sql(relation)) }}
{% endmacro %}
