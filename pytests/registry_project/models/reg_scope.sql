{#- One row per history_id recomputed in this run: var reg_scope (list of ids), or a generated range
    (var reg_bench_calls) for the benchmark. -#}
{%- set scope_ids = var('reg_scope', []) -%}
{%- set bench_calls = var('reg_bench_calls', 0) | int -%}
{%- if bench_calls > 0 %}
{{ reg_bench_call_ids(var('reg_bench_first_call', 1) | int, bench_calls) }}
{%- elif scope_ids | length == 0 %}
select cast(1 as {{ dbt.type_int() }}) as history_id from {{ ref('reg_batch') }} where 1 = 0
{%- else %}
{%- for history_id in scope_ids %}
select {{ history_id | int }} as history_id
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{%- endif %}
