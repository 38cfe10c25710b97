-- Guards lm_percentile_cont against numpy.percentile(values, q) (method 'linear', the PERCENTILE_CONT
-- definition) on the same values, worked out by hand: interpolation between ranks, a single value, two
-- values, ties, unsorted input, negative and fractional values, p0 and p100.
--   a: [10, 20, 30, 40]      p50 = 25, p90 = 37 (h = 3.7: 30 + 0.7 x 10), p0 = 10, p100 = 40
--   b: [7]                   every percentile 7
--   c: [1, 2]                p50 = 1.5, p90 = 1.9
--   d: [5, 1, 5, 3, 5]       sorted 1 3 5 5 5: p50 = 5, p90 = 5, p0 = 1
--   e: [-2.5, 0.5, 4, 9, 12, 100]   p50 = 6.5 (h = 3.5), p90 = 56 (h = 5.5: 12 + 0.5 x 88), p100 = 100
{%- set items %}
    select 'a' as group_name, 10e0 as item_value
    union all select 'a', 40e0
    union all select 'a', 20e0
    union all select 'a', 30e0
    union all select 'b', 7e0
    union all select 'c', 2e0
    union all select 'c', 1e0
    union all select 'd', 5e0
    union all select 'd', 1e0
    union all select 'd', 5e0
    union all select 'd', 3e0
    union all select 'd', 5e0
    union all select 'e', 9e0
    union all select 'e', -2.5e0
    union all select 'e', 100e0
    union all select 'e', 0.5e0
    union all select 'e', 12e0
    union all select 'e', 4e0
{%- endset %}
{%- set expectations %}
    select 'a' as group_name, 25e0 as expected_p50, 37e0 as expected_p90, 10e0 as expected_p0, 40e0 as expected_p100
    union all select 'b', 7e0, 7e0, 7e0, 7e0
    union all select 'c', 1.5e0, 1.9e0, 1e0, 2e0
    union all select 'd', 5e0, 5e0, 1e0, 5e0
    union all select 'e', 6.5e0, 56e0, -2.5e0, 100e0
{%- endset %}
{%- set checks = [] %}
{%- for name, fraction in [['p50', 0.5], ['p90', 0.9], ['p0', 0], ['p100', 1]] %}
    {%- do checks.append({
        'name': name,
        'actual': lm_percentile_cont('item_value', fraction, 'item_rank', 'item_count'),
        'expected': 'expected_' ~ name,
        'absolute_tolerance': '1e-9',
    }) %}
{%- endfor %}
{{ lm_known_values(
    [{
        'rows': items,
        'typed': {
            'item_rank': 'row_number() over (partition by group_name order by item_value)',
            'item_count': 'count(*) over (partition by group_name)',
        },
    }],
    key='group_name',
    expectations=expectations,
    checks=checks,
) }}
