{#-
    lm_big_result_hint(): the word to put right after `select` in a GROUP BY over many rows with many groups.
    MySQL 8 / MariaDB group through an in-memory temporary table keyed on the group columns and, past
    tmp_table_size (16 MB by default), convert it to an on-disk one updated row by row; SQL_BIG_RESULT
    makes them sort the rows and group the sorted stream instead. Measured on MariaDB 10.11 (default
    settings, 2 cores), the value counts of agg_lm_daily_metric_stats at 60,000 calls (2M rows into
    892k groups): 57 s without, 11 s with it. DuckDB groups by hash and needs nothing: empty there.
    Results are the same with or without it (tests/macros/assert_lm_big_result_hint_keeps_the_groups.sql).
-#}
{% macro lm_big_result_hint() %}
    {{- return(adapter.dispatch('lm_big_result_hint', 'lm')()) -}}
{% endmacro %}

{% macro default__lm_big_result_hint() -%}
{%- endmacro %}

{% macro mysql__lm_big_result_hint() -%}
    sql_big_result
{%- endmacro %}

{% macro mariadb__lm_big_result_hint() -%}
    {{- return(lm.mysql__lm_big_result_hint()) -}}
{%- endmacro %}
