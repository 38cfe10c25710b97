{#-
    The forecast step's two state tables (target schema), created empty by on-run-start hooks
    (dbt_project.yml) like the other state tables and written only by the Python forecast step
    (src/lm/forecast/step.py); dbt reads them back through source lm_state:
    - lm_forecast_scores: one row per scored valid call, the three learned probabilities with the
      calc_method of the model that wrote each (regression | gbm), the model version and when it was
      scored. `lm score` upserts the rows of the calls whose features are newer than their score or whose
      score came from another model version; int_metrics_forecast unpivots them into lm_value.
    - lm_model_eval: the holdout evaluation of every model `lm train` fitted, one row per model version,
      metric and model kind (appended; earlier versions are kept for comparison).
    No primary key on DuckDB (see lm_scored_calls: dbt's rename-based builds and DuckDB keys do not mix).
-#}
{% macro lm_forecast_scores_relation() %}
    {{ return(api.Relation.create(
        database=target.database, schema=target.schema, identifier='lm_forecast_scores', type='table',
    )) }}
{% endmacro %}

{% macro lm_model_eval_relation() %}
    {{ return(api.Relation.create(
        database=target.database, schema=target.schema, identifier='lm_model_eval', type='table',
    )) }}
{% endmacro %}

{% macro lm_forecast_scores_create_sql() %}
    {{ return(adapter.dispatch('lm_forecast_scores_create_sql', 'lm')()) }}
{% endmacro %}

{% macro default__lm_forecast_scores_create_sql() %}
    create table if not exists {{ lm_forecast_scores_relation() }} (
        history_id                  bigint       not null,
        model_version               varchar(32)  not null,
        features_hash               varchar(32)  not null,
        second_call_prob            double,
        second_call_method          varchar(32),
        conversion_prob_forecast    double,
        conversion_method           varchar(32),
        complaint_prob              double,
        complaint_method            varchar(32),
        scored_at                   timestamp    not null
    )
{% endmacro %}

{% macro mysql__lm_forecast_scores_create_sql() %}
    create table if not exists {{ lm_forecast_scores_relation() }} (
        history_id                  int unsigned not null primary key,
        model_version               varchar(32)  not null,
        features_hash               char(32)     not null,
        second_call_prob            double       null,
        second_call_method          varchar(32)  null,
        conversion_prob_forecast    double       null,
        conversion_method           varchar(32)  null,
        complaint_prob              double       null,
        complaint_method            varchar(32)  null,
        scored_at                   datetime     not null,
        key ix_lm_forecast_scores_scored_at (scored_at)
    ) engine=InnoDB default charset=utf8mb4
{% endmacro %}

{% macro mariadb__lm_forecast_scores_create_sql() %}
    {{ return(lm.mysql__lm_forecast_scores_create_sql()) }}
{% endmacro %}

{% macro lm_model_eval_create_sql() %}
    {{ return(adapter.dispatch('lm_model_eval_create_sql', 'lm')()) }}
{% endmacro %}

{% macro default__lm_model_eval_create_sql() %}
    create table if not exists {{ lm_model_eval_relation() }} (
        model_version     varchar(32)  not null,
        metric_code       varchar(64)  not null,
        model_kind        varchar(32)  not null,
        calc_method       varchar(32)  not null,
        is_winner         integer      not null,
        n_holdout         integer      not null,
        n_positive        integer      not null,
        base_rate         double       not null,
        roc_auc           double,
        oracle_auc        double,
        auc_ratio         double,
        brier             double       not null,
        base_brier        double       not null,
        ece               double       not null,
        n_fit             integer      not null,
        n_calibration     integer      not null,
        holdout_start_at  timestamp    not null,
        lm_version        varchar(32)  not null,
        trained_at        timestamp    not null
    )
{% endmacro %}

{% macro mysql__lm_model_eval_create_sql() %}
    create table if not exists {{ lm_model_eval_relation() }} (
        model_version     varchar(32)  not null,
        metric_code       varchar(64)  not null,
        model_kind        varchar(32)  not null,
        calc_method       varchar(32)  not null,
        is_winner         int          not null,
        n_holdout         int          not null,
        n_positive        int          not null,
        base_rate         double       not null,
        roc_auc           double       null,
        oracle_auc        double       null,
        auc_ratio         double       null,
        brier             double       not null,
        base_brier        double       not null,
        ece               double       not null,
        n_fit             int          not null,
        n_calibration     int          not null,
        holdout_start_at  datetime     not null,
        lm_version        varchar(32)  not null,
        trained_at        datetime     not null,
        primary key (model_version, metric_code, model_kind)
    ) engine=InnoDB default charset=utf8mb4
{% endmacro %}

{% macro mariadb__lm_model_eval_create_sql() %}
    {{ return(lm.mysql__lm_model_eval_create_sql()) }}
{% endmacro %}
