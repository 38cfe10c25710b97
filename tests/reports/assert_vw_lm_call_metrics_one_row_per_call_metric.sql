-- Guards: the BI view keeps lm_value's grain (one row per call per metric) after its joins, and leaves
-- out exactly the JSON metrics. The view is grouped once (MySQL/MariaDB evaluate a CTE again at each
-- reference, and this grouping is the test's whole cost): a failure row names the problem and its counts.
with

view_keys as (
    select {{ lm_big_result_hint() }}
        history_id,
        metric_code,
        count(*) as rows_per_key
    from {{ ref('vw_lm_call_metrics') }}
    group by history_id, metric_code
),

view_summary as (
    select
        count(*) as key_total,
        sum(rows_per_key) as row_total,
        max(rows_per_key) as max_rows_per_key
    from view_keys
),

expected_rows as (
    select count(*) as row_total
    from {{ ref('lm_value') }} as lm_value
    inner join {{ ref('lm_metric_dictionary') }} as metric_dictionary
        on lm_value.metric_code = metric_dictionary.metric_code
    where metric_dictionary.value_type <> 'json'
),

final as (
    select
        case
            when view_summary.max_rows_per_key > 1 then 'duplicated keys'
            else 'row count differs from lm_value'
        end as problem,
        view_summary.key_total,
        view_summary.row_total as view_row_total,
        expected_rows.row_total as expected_row_total
    from view_summary
    cross join expected_rows
    where
        view_summary.max_rows_per_key > 1
        or expected_rows.row_total <> coalesce(view_summary.row_total, 0)
)

select * from final
