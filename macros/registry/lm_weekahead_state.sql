{#-
    The week-ahead step's four state tables (target schema), created empty by on-run-start hooks
    (dbt_project.yml) like the other state tables, written only by the Python steps and read back by dbt
    through source lm_state (staging/lm_state, then the BI views vw_lm_forecast_*, vw_lm_staffing_hourly,
    vw_lm_whatif):
    - lm_weekahead_forecast: `lm forecast` (src/lm/weekahead/step.py) - one row per run, series, grain
      (day | hour), period and model (SeasonalNaive, AutoETS, MSTL): point and 80/95 % intervals;
      is_chosen = 1 marks the backtest's winner of the series.
    - lm_weekahead_backtest: `lm forecast` - the rolling-origin backtest of every model per run, series
      and grain (MASE, WAPE, interval coverage); is_chosen as above.
    - lm_staffing_hourly: `lm forecast` - the agents each forecast hour needs (Erlang C and A, shrinkage),
      the KPIs at that staffing and at the staffing the history shows for that weekday-hour.
    - lm_whatif_results: `lm whatif` - one row per run and scenario, is_baseline = 1 for the baseline row.
    Every table carries forecast_at (when the run wrote it, database clock; BI picks the latest run by it,
    see the views) and lm_version. Runs are appended; nothing deletes old runs here.

    The DDL comes from one spec per table (lm_weekahead_state_specs: columns with abstract types, key,
    indexed columns) rendered by lm_state_table_create_sql; only the type names, the key and the table
    options differ by engine (dispatched: lm_state_column_type, lm_state_key_lines, lm_state_table_options).
    No primary key on DuckDB (see lm_scored_calls: dbt's rename-based builds and DuckDB keys do not mix);
    on MySQL/MariaDB the primary key is the spec's key, with an index on forecast_at (the views' latest run).
-#}

{#-
    lm_weekahead_state_specs(): table name -> {columns: [[name, kind, nullability], ...], primary_key:
    [...], indexes: [...]}. kind is an abstract type (lm_state_column_type): varchar(n), int, double,
    timestamp. Key columns are not null.
-#}
{% macro lm_weekahead_state_specs() %}
    {%- set written = [
        ['forecast_at', 'timestamp', 'not null'],
        ['lm_version', 'varchar(32)', 'not null'],
    ] -%}
    {{ return({
        'lm_weekahead_forecast': {
            'columns': [
                ['forecast_run_id', 'varchar(32)', 'not null'],
                ['series_code', 'varchar(64)', 'not null'],
                ['grain', 'varchar(8)', 'not null'],
                ['period_start', 'timestamp', 'not null'],
                ['model_name', 'varchar(32)', 'not null'],
                ['is_chosen', 'int', 'not null'],
                ['point', 'double', 'not null'],
                ['lo_80', 'double', 'null'],
                ['hi_80', 'double', 'null'],
                ['lo_95', 'double', 'null'],
                ['hi_95', 'double', 'null'],
                ['interval_method', 'varchar(32)', 'null'],
            ] + written,
            'primary_key': ['forecast_run_id', 'series_code', 'grain', 'period_start', 'model_name'],
            'indexes': ['forecast_at'],
        },
        'lm_weekahead_backtest': {
            'columns': [
                ['forecast_run_id', 'varchar(32)', 'not null'],
                ['series_code', 'varchar(64)', 'not null'],
                ['grain', 'varchar(8)', 'not null'],
                ['model_name', 'varchar(32)', 'not null'],
                ['n_origins', 'int', 'not null'],
                ['horizon_days', 'int', 'not null'],
                ['mase', 'double', 'null'],
                ['wape', 'double', 'null'],
                ['coverage_80', 'double', 'null'],
                ['coverage_95', 'double', 'null'],
                ['is_chosen', 'int', 'not null'],
                ['interval_method', 'varchar(32)', 'null'],
            ] + written,
            'primary_key': ['forecast_run_id', 'series_code', 'grain', 'model_name'],
            'indexes': ['forecast_at'],
        },
        'lm_staffing_hourly': {
            'columns': [
                ['forecast_run_id', 'varchar(32)', 'not null'],
                ['period_start', 'timestamp', 'not null'],
                ['calls_forecast', 'double', 'not null'],
                ['aht_sec', 'double', 'null'],
                ['mean_patience_sec', 'double', 'null'],
                ['agents_erlang_c', 'int', 'null'],
                ['agents_erlang_a', 'int', 'null'],
                ['scheduled_staff', 'int', 'null'],
                ['binding_constraint', 'varchar(16)', 'null'],
                ['sl_at_required', 'double', 'null'],
                ['asa_at_required_sec', 'double', 'null'],
                ['abandonment_at_required', 'double', 'null'],
                ['operators_history', 'double', 'null'],
                ['sl_at_history', 'double', 'null'],
                ['asa_at_history_sec', 'double', 'null'],
                ['abandonment_at_history', 'double', 'null'],
            ] + written,
            'primary_key': ['forecast_run_id', 'period_start'],
            'indexes': ['forecast_at'],
        },
        'lm_whatif_results': {
            'columns': [
                ['forecast_run_id', 'varchar(32)', 'not null'],
                ['scenario_code', 'varchar(64)', 'not null'],
                ['description', 'varchar(255)', 'null'],
                ['calc_profile', 'varchar(64)', 'null'],
                ['is_baseline', 'int', 'not null'],
                ['calls_offered', 'double', 'null'],
                ['calls_answered', 'double', 'null'],
                ['expected_sl', 'double', 'null'],
                ['expected_asa_sec', 'double', 'null'],
                ['expected_abandonment', 'double', 'null'],
                ['expected_bookings', 'double', 'null'],
                ['operator_hours', 'double', 'null'],
            ] + written,
            'primary_key': ['forecast_run_id', 'scenario_code'],
            'indexes': ['forecast_at'],
        },
    }) }}
{% endmacro %}

{#- lm_weekahead_state_create_sql(table): the on-run-start hook of one week-ahead state table. -#}
{% macro lm_weekahead_state_create_sql(table) %}
    {%- set specs = lm_weekahead_state_specs() -%}
    {%- if table not in specs -%}
        {{ exceptions.raise_compiler_error(
            'lm_weekahead_state_create_sql: unknown table ' ~ table ~ ' (known: ' ~ (specs.keys() | sort | join(', ')) ~ ')'
        ) }}
    {%- endif -%}
    {%- set spec = specs[table] -%}
    {{ return(lm_state_table_create_sql(table, spec['columns'], spec['primary_key'], spec['indexes'])) }}
{% endmacro %}

{#-
    lm_state_table_create_sql(identifier, columns, primary_key, indexes): `create table if not exists` of
    a state table in the target schema from its spec (see lm_weekahead_state_specs); the same statement on
    every engine but for the column type names, the key lines and the table options.
-#}
{% macro lm_state_table_create_sql(identifier, columns, primary_key, indexes=[]) %}
    {%- set relation = api.Relation.create(
        database=target.database, schema=target.schema, identifier=identifier, type='table',
    ) -%}
    {%- set lines = [] -%}
    {%- for name, kind, nullability in columns -%}
        {%- if nullability not in ['null', 'not null'] -%}
            {{ exceptions.raise_compiler_error(
                'lm_state_table_create_sql: ' ~ identifier ~ '.' ~ name ~ ': nullability must be null or not null'
            ) }}
        {%- endif -%}
        {%- do lines.append(name ~ ' ' ~ lm_state_column_type(kind) ~ ' ' ~ nullability) -%}
    {%- endfor -%}
    {%- for line in lm_state_key_lines(identifier, primary_key, indexes) -%}
        {%- do lines.append(line) -%}
    {%- endfor -%}
    {{ return('create table if not exists ' ~ relation ~ ' (\n    ' ~ (lines | join(',\n    ')) ~ '\n)'
        ~ lm_state_table_options()) }}
{% endmacro %}

{#-
    lm_state_column_type(kind): the DDL type of an abstract column kind - varchar(n) (the same everywhere),
    int, double, timestamp (DuckDB timestamp; MySQL/MariaDB datetime, whole seconds like the other state
    tables). Any other kind is a compile error.
-#}
{% macro lm_state_column_type(kind) %}
    {%- if kind is string and kind.startswith('varchar(') and kind.endswith(')') and kind[8:-1].isdigit() -%}
        {{ return(kind) }}
    {%- endif -%}
    {%- if kind not in ['int', 'double', 'timestamp'] -%}
        {{ exceptions.raise_compiler_error('lm_state_column_type: unknown column kind ' ~ kind) }}
    {%- endif -%}
    {{ return(adapter.dispatch('lm_state_column_type', 'lm')(kind)) }}
{% endmacro %}

{% macro default__lm_state_column_type(kind) %}
    {{ return({'int': 'integer', 'double': 'double', 'timestamp': 'timestamp'}[kind]) }}
{% endmacro %}

{% macro mysql__lm_state_column_type(kind) %}
    {{ return({'int': 'int', 'double': 'double', 'timestamp': 'datetime'}[kind]) }}
{% endmacro %}

{% macro mariadb__lm_state_column_type(kind) %}
    {{ return(lm.mysql__lm_state_column_type(kind)) }}
{% endmacro %}

{#- lm_state_key_lines(identifier, primary_key, indexes): the key lines of the table body (none on DuckDB). -#}
{% macro lm_state_key_lines(identifier, primary_key, indexes) %}
    {{ return(adapter.dispatch('lm_state_key_lines', 'lm')(identifier, primary_key, indexes)) }}
{% endmacro %}

{% macro default__lm_state_key_lines(identifier, primary_key, indexes) %}
    {{ return([]) }}
{% endmacro %}

{% macro mysql__lm_state_key_lines(identifier, primary_key, indexes) %}
    {%- set lines = ['primary key (' ~ (primary_key | join(', ')) ~ ')'] -%}
    {%- for column in indexes -%}
        {%- do lines.append('key ix_' ~ identifier ~ '_' ~ column ~ ' (' ~ column ~ ')') -%}
    {%- endfor -%}
    {{ return(lines) }}
{% endmacro %}

{% macro mariadb__lm_state_key_lines(identifier, primary_key, indexes) %}
    {{ return(lm.mysql__lm_state_key_lines(identifier, primary_key, indexes)) }}
{% endmacro %}

{#- lm_state_table_options(): what follows the table body (MySQL/MariaDB: InnoDB, utf8mb4). -#}
{% macro lm_state_table_options() %}
    {{ return(adapter.dispatch('lm_state_table_options', 'lm')()) }}
{% endmacro %}

{% macro default__lm_state_table_options() %}
    {{ return('') }}
{% endmacro %}

{% macro mysql__lm_state_table_options() %}
    {{ return(' engine=InnoDB default charset=utf8mb4') }}
{% endmacro %}

{% macro mariadb__lm_state_table_options() %}
    {{ return(lm.mysql__lm_state_table_options()) }}
{% endmacro %}
