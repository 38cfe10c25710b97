-- Guards: the BI view keeps lm_value's grain (one row per call per metric) after its joins, and leaves
-- out exactly the JSON metrics.
with

view_keys as (
    select
        history_id,
        metric_code,
        count(*) as rows_per_key
    from {{ ref('vw_lm_call_metrics') }}
    group by history_id, metric_code
),

expected_rows as (
    select count(*) as row_total
    from {{ ref('lm_value') }} as lm_value
    inner join {{ ref('lm_metric_dictionary') }} as metric_dictionary
        on lm_value.metric_code = metric_dictionary.metric_code
    where metric_dictionary.value_type <> 'json'
),

view_rows as (
    select sum(rows_per_key) as row_total
    from view_keys
),

final as (
    select
        'duplicated key' as problem,
        history_id
    from view_keys
    where rows_per_key > 1
    union all
    select
        'row count differs from lm_value' as problem,
        null as history_id
    from expected_rows
    cross join view_rows
    where expected_rows.row_total <> coalesce(view_rows.row_total, 0)
)

select * from final
