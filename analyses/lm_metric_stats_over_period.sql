-- Statistics of one numeric metric over a period of call dates: count, mean, p50 and p90 (nearest-rank
-- percentiles with window functions, so it runs on MySQL 8, MariaDB and DuckDB alike), optionally by
-- operator, channel or service. (gradings is joined always and read only when group_by is service.)
-- vars: metric_code (default conversion_score), date_from / date_to (inclusive, 'YYYY-MM-DD'),
--       group_by: none | operator | channel | service.
{%- set group_by = var('group_by', 'none') %}
{%- set dimension = {
    'none': "'all'",
    'operator': 'calls.operator_id',
    'channel': 'calls.channel',
    'service': 'gradings.requested_service_id',
}[group_by] %}

with

metric_values as (
    select
        history_id,
        value_numeric
    from {{ ref('lm_value') }}
    where
        metric_code = '{{ var("metric_code", "conversion_score") }}'
        and value_numeric is not null
),

calls as (
    select
        history_id,
        call_date,
        operator_id,
        channel
    from {{ ref('stg_operatorbot__call_history') }}
    where call_date between '{{ var("date_from", "2000-01-01") }}' and '{{ var("date_to", "2100-12-31") }}'
),

gradings as (
    select
        history_id,
        requested_service_id
    from {{ ref('int_call_scores_latest') }}
),

grouped_values as (
    select
        cast({{ dimension }} as {{ lm_type_string() }}) as group_value,
        metric_values.value_numeric
    from metric_values
    inner join calls
        on metric_values.history_id = calls.history_id
    left join gradings  -- noqa: ST11
        on metric_values.history_id = gradings.history_id
),

ranked as (
    select
        group_value,
        value_numeric,
        row_number() over (partition by group_value order by value_numeric) as value_rank,
        count(*) over (partition by group_value) as value_count
    from grouped_values
),

final as (
    select
        '{{ group_by }}' as group_by,
        group_value,
        max(value_count) as value_count,
        avg(value_numeric) as value_mean,
        min(case when value_rank >= ceil(0.5 * value_count) then value_numeric end) as value_p50,
        min(case when value_rank >= ceil(0.9 * value_count) then value_numeric end) as value_p90
    from ranked
    group by group_value
)

select * from final
order by group_value
