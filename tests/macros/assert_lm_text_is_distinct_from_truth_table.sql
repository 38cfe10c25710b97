-- Guards lm_text_is_distinct_from: text compared byte for byte on both engines, so case, trailing spaces
-- and accents count even under MySQL/MariaDB's case- and pad-insensitive collations; NULL vs NULL is not
-- distinct, NULL vs text is; never NULL. Returns the cases whose result differs from the truth table.
with cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 1 as case_id, 'a' as left_text, 'a' as right_text, 0 as expected_distinct
    union all
    select 2, 'a', 'A', 1
    union all
    select 3, 'a', 'a ', 1
    union all
    select 4, 'ё', 'е', 1
    union all
    select 5, 'жук', 'жук', 0
    union all
    select 6, 'a', null, 1
    union all
    select 7, null, null, 0
    union all
    select 8, '', null, 1
    -- noqa: enable=AL03,LT09
),

results as (
    select
        case_id,
        case when {{ lm_text_is_distinct_from('left_text', 'right_text') }} then 1 else 0 end as actual_distinct,
        case when {{ lm_text_is_distinct_from('left_text', 'right_text') }} is null then 1 else 0 end as actual_is_null,
        expected_distinct
    from cases
),

final as (
    select
        case_id,
        actual_distinct,
        actual_is_null,
        expected_distinct
    from results
    where actual_distinct <> expected_distinct or actual_is_null = 1
)

select * from final
