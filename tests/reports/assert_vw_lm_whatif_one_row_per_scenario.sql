-- Guards the key of vw_lm_whatif: one row per scenario, and exactly one baseline when there are scenarios
-- (the deltas are against it: none leaves them NULL, two would double every scenario).
with

scenarios as (
    select
        scenario_code,
        is_baseline
    from {{ ref('vw_lm_whatif') }}
),

per_key as (
    select
        scenario_code,
        count(*) as rows_per_key
    from scenarios
    group by scenario_code
),

baselines as (
    select
        count(*) as scenario_rows,
        sum(case when is_baseline then 1 else 0 end) as baseline_rows
    from scenarios
),

final as (
    select
        scenario_code,
        'duplicate scenario row' as problem
    from per_key
    where rows_per_key > 1
    union all
    select
        'all' as scenario_code,
        'not exactly one baseline' as problem
    from baselines
    where scenario_rows > 0 and baseline_rows <> 1
)

select * from final
