{#-
    The cut-off of this scoring run, as a SQL timestamp expression, or none when every call must be
    recomputed. Arguments are the relations of LM's state as the calling model refs them (lineage):

        {%- set changed_since = lm_scoring_changed_since(
            ref('stg_lm_state__run_log'), ref('stg_lm_state__scored_calls')) %}

    none when lm_last_high_water() says so (first run, --full-refresh, var lm_full_rebuild, parse time),
    when lm_scored_calls holds no row (nothing scored yet, or a deployment that predates it: only a full run
    fills it for every call), and when the last logged run used another lm_version or lm_calc_profile (a new
    version or profile recomputes what it must: everything). Otherwise the last source high water minus
    var lm_lookback_hours (late gradings, clock skew).
-#}
{% macro lm_scoring_changed_since(run_log, scored_calls) %}
    {%- set high_water = lm_last_high_water(run_log) -%}
    {%- if high_water == 'null' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set any_scored = run_query('select history_id from ' ~ scored_calls ~ ' limit 1') -%}
    {%- if any_scored.rows | length == 0 -%}
        {{ log("lm: lm_scored_calls is empty (nothing scored yet by this LM version); "
               ~ "recomputing every call", info=true) }}
        {{ return(none) }}
    {%- endif -%}
    {%- set last_run = run_query(
        'select lm_version, calc_profile from ' ~ run_log
        ~ ' where logged_at = (select max(logged_at) from ' ~ run_log ~ ')'
    ) -%}
    {%- for row in last_run.rows -%}
        {%- if row[0] != var('lm_version') or row[1] != var('lm_calc_profile') -%}
            {{ log("lm: last run used lm_version " ~ row[0] ~ " / calc_profile " ~ row[1]
                   ~ "; recomputing every call for " ~ var('lm_version') ~ " / " ~ var('lm_calc_profile'),
                   info=true) }}
            {{ return(none) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(lm_add_interval(high_water, -var('lm_lookback_hours'), 'hour')) }}
{% endmacro %}
