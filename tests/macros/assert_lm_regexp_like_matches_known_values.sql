-- Guards lm_regexp_like on the portable pattern subset: a search (not a full match), case-sensitive on
-- every engine (MySQL/MariaDB would follow the case-insensitive collation), UTF-8 aware, patterns taken
-- from a column, NULL in -> NULL out. Returns the cases whose 1/0/NULL result is wrong.
with cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 1 as case_id, 'abc' as input_text, 'b' as pattern, 1 as expected
    union all
    select 2, 'Abc', 'abc', 0
    union all
    select 3, 'abc', '^abc$', 1
    union all
    select 4, 'abcd', '^abc$', 0
    union all
    select 5, 'a1', '[0-9]', 1
    union all
    select 6, 'ab', '[0-9]', 0
    union all
    select 7, 'hot cat', 'dog|cat', 1
    union all
    select 8, 'x.y', 'x[.]y', 1
    union all
    select 9, 'xzy', 'x[.]y', 0
    union all
    select 10, 'aaa', '^a{2,3}$', 1
    union all
    select 11, 'aaaa', '^a{2,3}$', 0
    union all
    select 12, 'жук', '^...$', 1
    union all
    select 13, 'Жук', '^ж', 0
    union all
    select 14, 'site_2gis', '^[a-z_]+[0-9]?gis$', 1
    union all
    select 15, null, 'a', null
    union all
    select 16, 'a', null, null
    -- noqa: enable=AL03,LT09
),

results as (
    select
        case_id,
        input_text,
        pattern,
        {{ lm_bool_to_int(lm_regexp_like('input_text', 'pattern')) }} as actual,
        expected
    from cases
),

final as (
    select
        case_id,
        input_text,
        pattern,
        actual,
        expected
    from results
    where {{ lm_is_distinct_from('actual', 'expected') }}
)

select * from final
