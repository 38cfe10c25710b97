{#- Generated rows for scripts/bench_registry.py: calls first_call .. first_call + n_calls - 1, built by a
    cross join of digit sequences (portable: no MariaDB sequence engine, no DuckDB range()). -#}

{% macro reg_bench_call_ids(first_call, n_calls) %}
with digits as (
    select 0 as digit union all select 1 union all select 2 union all select 3 union all select 4
    union all select 5 union all select 6 union all select 7 union all select 8 union all select 9
),

call_offsets as (
    select
        ones.digit
        + 10 * tens.digit
        + 100 * hundreds.digit
        + 1000 * thousands.digit
        + 10000 * ten_thousands.digit
        + 100000 * hundred_thousands.digit as call_offset
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands
    cross join digits as ten_thousands
    cross join digits as hundred_thousands
)

select {{ first_call }} + call_offset as history_id
from call_offsets
where call_offset < {{ n_calls }}
{% endmacro %}

{% macro reg_bench_metric_rows(n_metrics) %}
with scope_calls as (
    select history_id
    from {{ ref('reg_scope') }}
),

digits as (
    select 0 as digit union all select 1 union all select 2 union all select 3 union all select 4
    union all select 5 union all select 6 union all select 7 union all select 8 union all select 9
),

metric_numbers as (
    select ones.digit + 10 * tens.digit as metric_number
    from digits as ones
    cross join digits as tens
    where ones.digit + 10 * tens.digit < {{ n_metrics }}
)

select
    scope_calls.history_id,
    scope_calls.history_id as call_score_id,
    concat('bench_metric_', metric_numbers.metric_number) as metric_code,
    'bench' as metric_group,
    cast(((scope_calls.history_id * 7 + metric_numbers.metric_number * 13 + {{ var('reg_bench_salt', 0) | int }}) % 10000) / 10000.0 as decimal(10,4)) as value_numeric,
    cast(null as char(1)) as value_label,
    cast(null as char(1)) as value_json,
    '1.1.0' as lm_version,
    'rule' as calc_method,
    'bench' as calc_source
from scope_calls
cross join metric_numbers
{% endmacro %}
