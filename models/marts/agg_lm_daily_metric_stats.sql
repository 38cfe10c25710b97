-- Daily statistics of the rule metrics of fct_calls: one row per call date x metric x dimension x
-- dimension value (x label for label metrics). Dimensions: all (one row, dimension_value 'all'),
-- operator, channel, service (requested_service_id); a missing member is '(none)'. Numeric metrics: count
-- of calls with a value, mean, p50, p90 (lm_percentile_cont over the counted distinct values, linear
-- interpolation); label metrics: count and share of each label among the calls with a label.
-- Incremental by day: the pre-hook deletes the days of int_stats_refresh_days (the days whose calls this
-- run rescored, where they are now and where they were), the run appends those days recomputed from
-- fct_calls; a full run (first run, --full-refresh) computes every day.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ lm_stats_delete_recomputed(ref('int_stats_refresh_days'), 'call_date') }}"],
    post_hook=["{{ lm_stats_index_hook([
        {'name': 'ix_agg_lm_daily_metric_stats', 'columns': ['call_date', 'metric_code', 'dimension']},
    ]) }}"],
) }}
{%- set numeric_metrics = [
    'response_speed_score', 'talk_time_efficiency', 'queue_impact_index', 'conversion_score',
    'lost_opportunity_score', 'cross_sell_potential', 'checklist_coverage_ratio', 'normalized_call_score',
    'script_risk_index',
] %}
{%- set label_metrics = ['churn_risk_level', 'complaint_risk_flag', 'followup_needed_flag'] %}
{%- set string_type = lm_type_string() %}

with

facts as (
    select
        call_date,
        operator_id,
        channel,
        requested_service_id,
        {{ numeric_metrics | join(',\n        ') }},
        {{ label_metrics | join(',\n        ') }}
    from {{ ref('fct_calls') }}
    {%- if is_incremental() %}
    where call_date in (select refresh_days.call_date from {{ ref('int_stats_refresh_days') }} as refresh_days)
    {%- endif %}
),

dimensions as (
    select 'all' as dimension
    union all
    select 'operator' as dimension
    union all
    select 'channel' as dimension
    union all
    select 'service' as dimension
),

sliced as (
    select
        facts.*,
        dimensions.dimension,
        case dimensions.dimension
            when 'all' then 'all'
            when 'operator' then coalesce(cast(facts.operator_id as {{ string_type }}), '(none)')
            when 'channel' then coalesce(facts.channel, '(none)')
            else coalesce(cast(facts.requested_service_id as {{ string_type }}), '(none)')
        end as dimension_value
    from facts
    cross join dimensions
),

numeric_values as (
    {%- for metric in numeric_metrics %}
        select
            call_date,
            '{{ metric }}' as metric_code,
            dimension,
            dimension_value,
            cast({{ metric }} as {{ lm_type_float() }}) as metric_value
        from sliced
        where {{ metric }} is not null
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

-- equal values counted once per group: the ranking and the percentiles read one row per distinct value
-- (the big GROUP BYs sort on MySQL/MariaDB: lm_big_result_hint)
value_counts as (
    select {{ lm_big_result_hint() }}
        call_date,
        metric_code,
        dimension,
        dimension_value,
        metric_value,
        count(*) as rows_at_value
    from numeric_values
    group by call_date, metric_code, dimension, dimension_value, metric_value
),

ranked as (
    select
        call_date,
        metric_code,
        dimension,
        dimension_value,
        metric_value,
        rows_at_value,
        sum(rows_at_value) over (
            partition by call_date, metric_code, dimension, dimension_value
            order by metric_value
            rows between unbounded preceding and current row
        ) as value_rank,
        sum(rows_at_value) over (partition by call_date, metric_code, dimension, dimension_value) as value_count
    from value_counts
),

numeric_stats as (
    select {{ lm_big_result_hint() }}
        call_date,
        metric_code,
        dimension,
        dimension_value,
        cast(null as {{ string_type }}) as value_label,
        sum(rows_at_value) as call_count,
        sum(metric_value * rows_at_value) / sum(rows_at_value) as value_mean,
        {{ lm_percentile_cont('metric_value', 0.5, 'value_rank', 'value_count', 'rows_at_value') }} as value_p50,
        {{ lm_percentile_cont('metric_value', 0.9, 'value_rank', 'value_count', 'rows_at_value') }} as value_p90,
        cast(null as {{ lm_type_float() }}) as label_share
    from ranked
    group by call_date, metric_code, dimension, dimension_value
),

label_values as (
    {%- for metric in label_metrics %}
        select
            call_date,
            '{{ metric }}' as metric_code,
            dimension,
            dimension_value,
            cast({{ metric }} as {{ string_type }}) as value_label
        from sliced
        where {{ metric }} is not null
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

label_counts as (
    select {{ lm_big_result_hint() }}
        call_date,
        metric_code,
        dimension,
        dimension_value,
        value_label,
        count(*) as call_count
    from label_values
    group by call_date, metric_code, dimension, dimension_value, value_label
),

label_stats as (
    select
        call_date,
        metric_code,
        dimension,
        dimension_value,
        value_label,
        call_count,
        cast(null as {{ lm_type_float() }}) as value_mean,
        cast(null as {{ lm_type_float() }}) as value_p50,
        cast(null as {{ lm_type_float() }}) as value_p90,
        cast(call_count as {{ lm_type_float() }}) / sum(call_count) over (
            partition by call_date, metric_code, dimension, dimension_value
        ) as label_share
    from label_counts
),

final as (
    select
        call_date,
        metric_code,
        'numeric' as value_type,
        dimension,
        dimension_value,
        value_label,
        call_count,
        value_mean,
        value_p50,
        value_p90,
        label_share
    from numeric_stats
    union all
    select
        call_date,
        metric_code,
        'label' as value_type,
        dimension,
        dimension_value,
        value_label,
        call_count,
        value_mean,
        value_p50,
        value_p90,
        label_share
    from label_stats
)

select * from final
