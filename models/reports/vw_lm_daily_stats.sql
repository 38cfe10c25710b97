-- Daily metric statistics for BI: agg_lm_daily_metric_stats (per call date x metric x dimension x member:
-- count, mean, p50, p90 of numeric metrics; count and share of each label of label metrics) with the
-- metric's group, Russian title and unit from the dictionary.
with

stats as (
    select
        call_date,
        metric_code,
        value_type,
        dimension,
        dimension_value,
        value_label,
        call_count,
        value_mean,
        value_p50,
        value_p90,
        label_share
    from {{ ref('agg_lm_daily_metric_stats') }}
),

dictionary as (
    select
        metric_code,
        metric_group,
        unit,
        title_ru
    from {{ ref('lm_metric_dictionary') }}
),

final as (
    select
        stats.call_date,
        dictionary.metric_group,
        stats.metric_code,
        dictionary.title_ru as metric_title_ru,
        dictionary.unit as metric_unit,
        stats.value_type,
        stats.dimension,
        stats.dimension_value,
        stats.value_label,
        stats.call_count,
        stats.value_mean,
        stats.value_p50,
        stats.value_p90,
        stats.label_share
    from stats
    inner join dictionary
        on stats.metric_code = dictionary.metric_code
)

select * from final
