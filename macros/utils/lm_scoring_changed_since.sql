{#-
    The cut-off of this scoring run, as a SQL timestamp expression, or none when every call must be
    recomputed. none when lm_last_high_water() says so (first run, --full-refresh, var lm_full_rebuild,
    parse time), when lm_scored_calls is missing (see macros/registry/lm_scored_calls.sql), and when the
    last logged run used another lm_version or lm_calc_profile (a new version or profile recomputes what it
    must: everything). Otherwise the last source high water minus
    var lm_lookback_hours (late gradings, clock skew).
-#}
{% macro lm_scoring_changed_since() %}
    {%- set high_water = lm_last_high_water() -%}
    {%- if high_water == 'null' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not lm_scored_calls_exists() -%}
        {{ log("lm: no lm_scored_calls yet (first run of this LM version on an existing lm_value); "
               ~ "recomputing every call", info=true) }}
        {{ return(none) }}
    {%- endif -%}
    {%- set log_relation = lm_run_log_relation() -%}
    {%- set last_run = run_query(
        'select lm_version, calc_profile from ' ~ log_relation
        ~ ' where logged_at = (select max(logged_at) from ' ~ log_relation ~ ')'
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
