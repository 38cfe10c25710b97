{{
    config(
        materialized='lm_registry',
        schema=var('lm_value_schema', var('lm_source_schema')),
        scope_relation='reg_scope',
        batch_relation='reg_batch',
        pre_hook=[{
            'sql': 'create table if not exists {{ target.schema }}.reg_hook_log (rows_after_write bigint)'
                if var('reg_hooks', true) else '',
            'transaction': false,
        }],
        post_hook=[
            'insert into {{ target.schema }}.reg_hook_log (rows_after_write) select count(*) from {{ this }}'
                if var('reg_hooks', true) else '',
        ],
    )
}}
-- depends_on: {{ ref('reg_scope') }}
-- depends_on: {{ ref('reg_batch') }}

{#- Rows from var reg_rows: [history_id, call_score_id, metric_code, metric_group, value_numeric,
    value_label, value_json]; or generated (var reg_bench_calls) for the benchmark. -#}
{%- set metric_rows = var('reg_rows', []) -%}
{%- set bench_calls = var('reg_bench_calls', 0) | int -%}

{%- if bench_calls > 0 %}
{{ reg_bench_metric_rows(var('reg_bench_metrics', 15) | int) }}
{%- elif metric_rows | length == 0 %}
select
    cast(1 as {{ dbt.type_int() }}) as history_id,
    cast(null as {{ dbt.type_int() }}) as call_score_id,
    'none' as metric_code,
    'none' as metric_group,
    cast(null as decimal(10,4)) as value_numeric,
    cast(null as char(1)) as value_label,
    cast(null as char(1)) as value_json,
    'none' as lm_version,
    'none' as calc_method,
    'none' as calc_source
from {{ ref('reg_batch') }}
where 1 = 0
{%- else %}
{%- for metric_row in metric_rows %}
select
    {{ metric_row[0] | int }} as history_id,
    {{ 'null' if metric_row[1] is none else metric_row[1] | int }} as call_score_id,
    {{ lm_sql_string(metric_row[2]) }} as metric_code,
    {{ lm_sql_string(metric_row[3]) }} as metric_group,
    {{ 'null' if metric_row[4] is none else metric_row[4] }} as value_numeric,
    {{ lm_sql_string(metric_row[5]) }} as value_label,
    {{ lm_sql_string(metric_row[6]) }} as value_json,
    {{ lm_sql_string(var('lm_version', '1.1.0')) }} as lm_version,
    'rule' as calc_method,
    {{ lm_sql_string(var('lm_calc_source', 'cron_daily_scoring')) }} as calc_source
    {%- if var('reg_extra_column', false) %},
    1 as id
    {%- endif %}
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{%- endif %}
