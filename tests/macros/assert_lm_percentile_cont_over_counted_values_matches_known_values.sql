-- Guards lm_percentile_cont over counted values (rows_at_value: one row per distinct value with its row
-- count, value_rank the running total) against numpy.percentile(values, q) of the expanded values,
-- worked out by hand: a step between two ranks of different values, interpolation inside a run of ties,
-- single rows, p0 and p100.
--   a: 10, 20, 30, 40 once each      p50 = 25, p90 = 37 (h = 3.7: 30 + 0.7 x 10), p0 = 10, p100 = 40
--   d: 1, 3 once, 5 three times      sorted 1 3 5 5 5: p50 = 5, p90 = 5, p0 = 1, p100 = 5
--   f: 2 three times, 8 once         sorted 2 2 2 8: p50 = 2 (h = 2.5), p90 = 6.2 (h = 3.7: 2 + 0.7 x 6)
--   g: 1 twice, 4 twice              sorted 1 1 4 4: p50 = 2.5 (h = 2.5: 1 + 0.5 x 3), p90 = 4 (h = 3.7)
--   h: 7 four times                  every percentile 7
{%- set items %}
    select 'a' as group_name, 10e0 as item_value, 1 as item_rows
    union all select 'a', 40e0, 1
    union all select 'a', 20e0, 1
    union all select 'a', 30e0, 1
    union all select 'd', 5e0, 3
    union all select 'd', 1e0, 1
    union all select 'd', 3e0, 1
    union all select 'f', 8e0, 1
    union all select 'f', 2e0, 3
    union all select 'g', 4e0, 2
    union all select 'g', 1e0, 2
    union all select 'h', 7e0, 4
{%- endset %}
{%- set expectations %}
    select 'a' as group_name, 25e0 as expected_p50, 37e0 as expected_p90, 10e0 as expected_p0, 40e0 as expected_p100
    union all select 'd', 5e0, 5e0, 1e0, 5e0
    union all select 'f', 2e0, 6.2e0, 2e0, 8e0
    union all select 'g', 2.5e0, 4e0, 1e0, 4e0
    union all select 'h', 7e0, 7e0, 7e0, 7e0
{%- endset %}
{%- set checks = [] %}
{%- for name, fraction in [['p50', 0.5], ['p90', 0.9], ['p0', 0], ['p100', 1]] %}
    {%- do checks.append({
        'name': name,
        'actual': lm_percentile_cont('item_value', fraction, 'item_rank', 'item_count', 'item_rows'),
        'expected': 'expected_' ~ name,
        'absolute_tolerance': '1e-9',
    }) %}
{%- endfor %}
{{ lm_known_values(
    [{
        'rows': items,
        'typed': {
            'item_rank': 'sum(item_rows) over (partition by group_name order by item_value rows unbounded preceding)',
            'item_count': 'sum(item_rows) over (partition by group_name)',
        },
    }],
    key='group_name',
    expectations=expectations,
    checks=checks,
) }}
