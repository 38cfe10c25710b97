{#-
    lm_scope_decision(run_log, scored_calls): how this run chooses its calls, as
        {'changed_since': SQL timestamp expression, or none for a full run,
         'reason': 'incremental' | 'first_run' | 'full_refresh' | 'nothing_scored' | 'settings_changed: a, b'}
    Arguments are LM's state as the calling model refs it (lineage):

        {%- set decision = lm_scope_decision(ref('stg_lm_state__run_log'), ref('stg_lm_state__scored_calls')) %}

    Full when lm_last_high_water() says so (first run, --full-refresh, var lm_full_rebuild, parse time),
    when lm_scored_calls holds no row (nothing scored yet, or state of an older LM version), and when any
    setting that changes values differs from the last logged run (lm_settings_snapshot(): lm_version,
    lm_calc_profile, every semantic var, the checksum of every seed) - the reason names what changed.
    Otherwise incremental from the last source high water minus var lm_lookback_hours.
-#}
{% macro lm_scope_decision(run_log, scored_calls) %}
    {%- if not execute -%}
        {{ return({'changed_since': none, 'reason': 'parse'}) }}
    {%- endif -%}
    {%- do lm_run_lock_check() -%}
    {%- if lm_is_full_rebuild() -%}
        {{ return({'changed_since': none, 'reason': 'full_refresh'}) }}
    {%- endif -%}
    {%- set high_water = lm_last_high_water(run_log) -%}
    {%- if high_water == 'null' -%}
        {{ return({'changed_since': none, 'reason': 'first_run'}) }}
    {%- endif -%}
    {%- set any_scored = run_query('select history_id from ' ~ scored_calls ~ ' limit 1') -%}
    {%- if any_scored.rows | length == 0 -%}
        {{ log("lm: lm_scored_calls is empty (nothing scored yet by this LM version); recomputing every call",
               info=true) }}
        {{ return({'changed_since': none, 'reason': 'nothing_scored'}) }}
    {%- endif -%}
    {%- set last_run = run_query(
        'select settings_json from ' ~ run_log
        ~ ' where logged_at = (select max(logged_at) from ' ~ run_log ~ ')'
    ) -%}
    {%- set last_settings = fromjson(last_run.rows[0][0] or '{}') if last_run.rows | length > 0 else {} -%}
    {%- set settings = lm_settings_snapshot() -%}
    {%- set changed = [] -%}
    {%- for key in (settings.keys() | list + last_settings.keys() | list) | unique | sort -%}
        {%- if settings.get(key) != last_settings.get(key) -%}
            {%- do changed.append(key) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if changed -%}
        {%- set reason = ('settings_changed: ' ~ (changed | join(', ')))[:255] -%}
        {{ log("lm: " ~ reason ~ " since the last run; recomputing every call", info=true) }}
        {{ return({'changed_since': none, 'reason': reason}) }}
    {%- endif -%}
    {{ return({
        'changed_since': lm_add_interval(high_water, -lm_var('lm_lookback_hours'), 'hour'),
        'reason': 'incremental',
    }) }}
{% endmacro %}

{#-
    Everything a run's values depend on besides the source rows, as a flat dict of text: the rules'
    version and profile, every var that changes a value (not lm_calc_source, lm_lookback_hours or
    lm_full_rebuild: they change who wrote a row or which rows are looked at, not what a value is), the
    caller-key id, the grader calibration_version of `lm calibrate` (None before any fit), and
    the file checksum of every seed of the project (the dictionary, calc profiles, catalogues). Logged
    with each run (lm_run_log.settings_json, settings_fingerprint); a difference makes the next run full.
-#}
{% macro lm_settings_snapshot() %}
    {%- set settings = {} -%}
    {%- for name in ['lm_version', 'lm_calc_profile', 'lm_caller_window_days', 'lm_future_tolerance_hours',
                     'lm_max_plausible_sec', 'lm_value_max', 'lm_call_directions', 'lm_call_statuses',
                     'lm_outcomes'] -%}
        {%- set value = lm_var(name) -%}
        {%- do settings.update({'var:' ~ name: (value | join(',') if value is iterable and value is not string
                                                 else value | string)}) -%}
    {%- endfor -%}
    {%- do settings.update({'caller_key_id': lm_caller_key_id() | string}) -%}
    {%- do settings.update({'calibration_version': lm_grader_calibration_version() | string}) -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'seed' and node.package_name == project_name -%}
        {%- do settings.update({'seed:' ~ node.name: node.checksum.checksum}) -%}
    {%- endfor -%}
    {{ return(settings) }}
{% endmacro %}


{#-
    MySQL/MariaDB: stop when another connection holds LM's run lock (GET_LOCK('lm:<schema>'), taken by the
    `lm` command for its whole run, src/lm/lock.py) - unless it is the lock of the `lm` that started this
    very dbt run (env LM_LOCK_CONNECTION_ID). A plain `dbt build` beside an `lm build` stops here, before
    the scope is built, so nothing is written. DuckDB: the database file admits one writer anyway.
-#}
{% macro lm_run_lock_check() %}
    {%- if target.type not in ['mysql', 'mariadb'] -%}
        {{ return('') }}
    {%- endif -%}
    {%- set name = 'lm:' ~ target.schema -%}
    {%- set holder = run_query('select is_used_lock(' ~ lm_sql_string(name) ~ ')').rows[0][0] -%}
    {%- if holder is not none and (holder | string) != env_var('LM_LOCK_CONNECTION_ID', '') -%}
        {{ exceptions.raise_compiler_error(
            "lm: another LM run holds the run lock " ~ name ~ " (connection " ~ holder ~ "); this run stops "
            ~ "before it writes anything. Wait for it, or find it with SHOW PROCESSLIST."
        ) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
