{#-
    lm_grader_calibration (target schema): the current grader calibration, one row per grader seen in the
    gradings when `lm calibrate` last ran (src/lm/calibrate.py writes it, replacing every row in one
    transaction; dbt never writes it). Created empty by an on-run-start hook (dbt_project.yml), like the
    other state tables; read back through source lm_state / stg_lm_state__grader_calibration by
    int_grader_scales. Its calibration_version is part of the settings snapshot (lm_settings_snapshot),
    so a refit makes the next run recompute every call. No primary key on DuckDB (see lm_scored_calls).
-#}
{% macro lm_grader_calibration_relation() %}
    {{ return(api.Relation.create(
        database=target.database,
        schema=target.schema,
        identifier='lm_grader_calibration',
        type='table',
    )) }}
{% endmacro %}

{% macro lm_grader_calibration_create_sql() %}
    {{ return(adapter.dispatch('lm_grader_calibration_create_sql', 'lm')()) }}
{% endmacro %}

{% macro default__lm_grader_calibration_create_sql() %}
    create table if not exists {{ lm_grader_calibration_relation() }} (
        calibration_version  varchar(64)    not null,
        grader_code          varchar(64)    not null,
        scale_min            decimal(10,2)  not null,
        scale_max            decimal(10,2)  not null,
        calibration_offset   decimal(8,4)   not null,
        n_gradings           integer        not null,
        n_in_scale           integer        not null,
        score_p01            decimal(10,2),
        score_p10            decimal(10,2),
        score_p50            decimal(10,2),
        score_p90            decimal(10,2),
        score_p99            decimal(10,2),
        grader_location      decimal(8,4),
        reference_location   decimal(8,4),
        fit_method           varchar(64)    not null,
        is_family_fallback   integer        not null,
        fallback_code        varchar(64),
        min_n                integer        not null,
        fitted_at            timestamp      not null
    )
{% endmacro %}

{% macro mysql__lm_grader_calibration_create_sql() %}
    create table if not exists {{ lm_grader_calibration_relation() }} (
        calibration_version  varchar(64)    not null,
        grader_code          varchar(64)    not null primary key,
        scale_min            decimal(10,2)  not null,
        scale_max            decimal(10,2)  not null,
        calibration_offset   decimal(8,4)   not null,
        n_gradings           int            not null,
        n_in_scale           int            not null,
        score_p01            decimal(10,2)  null,
        score_p10            decimal(10,2)  null,
        score_p50            decimal(10,2)  null,
        score_p90            decimal(10,2)  null,
        score_p99            decimal(10,2)  null,
        grader_location      decimal(8,4)   null,
        reference_location   decimal(8,4)   null,
        fit_method           varchar(64)    not null,
        is_family_fallback   int            not null,
        fallback_code        varchar(64)    null,
        min_n                int            not null,
        fitted_at            datetime       not null
    ) engine=InnoDB default charset=utf8mb4
{% endmacro %}

{% macro mariadb__lm_grader_calibration_create_sql() %}
    {{ return(lm.mysql__lm_grader_calibration_create_sql()) }}
{% endmacro %}

{#- The calibration_version of the current fit (part of the settings snapshot), or none before any fit. -#}
{% macro lm_grader_calibration_version() %}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set relation = lm_grader_calibration_relation() -%}
    {%- if lm_state_column_names(relation) | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rows = run_query('select max(calibration_version) from ' ~ relation).rows -%}
    {{ return(rows[0][0] if rows | length > 0 else none) }}
{% endmacro %}
