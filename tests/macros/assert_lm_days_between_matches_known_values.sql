-- Guards lm_days_between: calendar days between the dates of two timestamps (23:59 -> 00:01 the next day
-- is 1, not 0 elapsed days), signed, across a leap year; also accepts dates; NULL in -> NULL out.
with cases as (
    -- Literal cases, one row per line; the first row names the columns.
    -- noqa: disable=AL03,LT09
    select 1 as case_id, '2024-01-01 23:59:00' as start_text, '2024-01-02 00:01:00' as end_text, 1 as expected
    union all
    select 2, '2024-01-02 00:01:00', '2024-01-01 23:59:00', -1
    union all
    select 3, '2024-02-28 10:00:00', '2024-03-01 09:00:00', 2
    union all
    select 4, '2023-12-31 00:00:00', '2024-12-31 23:59:59', 366
    union all
    select 5, '2024-05-05 00:00:00', '2024-05-05 23:59:59', 0
    union all
    select 6, null, '2024-01-01 00:00:00', null
    -- noqa: enable=AL03,LT09
),

typed_cases as (
    select
        case_id,
        cast(start_text as {{ lm_type_timestamp() }}) as started_at,
        cast(end_text as {{ lm_type_timestamp() }}) as ended_at,
        expected
    from cases
),

results as (
    select
        case_id,
        {{ lm_days_between('started_at', 'ended_at') }} as actual_from_timestamps,
        {{ lm_days_between(lm_date_of('started_at'), lm_date_of('ended_at')) }} as actual_from_dates,
        expected
    from typed_cases
),

final as (
    select
        case_id,
        actual_from_timestamps,
        actual_from_dates,
        expected
    from results
    where
        {{ lm_is_distinct_from('actual_from_timestamps', 'expected') }}
        or {{ lm_is_distinct_from('actual_from_dates', 'expected') }}
)

select * from final
