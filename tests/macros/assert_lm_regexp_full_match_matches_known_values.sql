-- Guards lm_regexp_full_match (used by every lm_try_cast_*): the whole string must match, a trailing
-- newline is not ignored (MySQL's and MariaDB's `$` match before one), alternation is grouped ('x|y' must
-- not match 'xz'), case-sensitive, NULL in -> NULL out. Returns the cases whose 1/0/NULL result is wrong.
with cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 1 as case_id, '12' as input_text, '[0-9]+' as pattern, 1 as expected
    union all
    select 2, '12a', '[0-9]+', 0
    union all
    select 3, 'a12', '[0-9]+', 0
    union all
    select 4, '12{{ "\n" }}', '[0-9]+', 0
    union all
    select 5, 'xz', 'x|y', 0
    union all
    select 6, 'y', 'x|y', 1
    union all
    select 7, 'ABC', 'abc', 0
    union all
    select 8, 'a#', 'a', 0
    union all
    select 9, 'a#', 'a#', 1
    union all
    select 10, '', '[0-9]*', 1
    union all
    select 11, 'жук', '...', 1
    union all
    select 12, null, '.*', null
    -- noqa: enable=AL03,LT09
),

results as (
    select
        case_id,
        input_text,
        pattern,
        {{ lm_bool_to_int(lm_regexp_full_match('input_text', 'pattern')) }} as actual,
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
