-- Guards lm_seconds_between: whole elapsed seconds from start to end, signed, truncated toward zero
-- (0.9 s -> 1.1 s is 0, not the 1 that counting second boundaries would give), across midnight and
-- leap days; NULL in -> NULL out.
{%- set cases %}
    select 1 as case_id, '2024-01-01 00:00:00' as start_text, '2024-01-01 00:01:30' as end_text, 90 as expected
    union all
    select 2, '2024-01-01 00:01:30', '2024-01-01 00:00:00', -90
    union all
    select 3, '2024-01-01 23:59:59', '2024-01-02 00:00:01', 2
    union all
    select 4, '2024-02-28 12:00:00', '2024-03-01 12:00:00', 172800
    union all
    select 5, '2024-05-05 10:00:00', '2024-05-05 10:00:00', 0
    union all
    select 6, '2024-01-01 00:00:00.900000', '2024-01-01 00:00:01.100000', 0
    union all
    select 7, '2024-01-01 00:00:01.100000', '2024-01-01 00:00:00.900000', 0
    union all
    select 8, '2024-01-01 00:00:00.500000', '2024-01-01 00:00:02.400000', 1
    union all
    select 9, null, '2024-01-01 00:00:00', null
    union all
    select 10, '2024-01-01 00:00:00', null, null
{%- endset %}
{{ lm_known_values(
    cases,
    typed={
        'started_at': 'cast(start_text as ' ~ lm_type_timestamp() ~ ')',
        'ended_at': 'cast(end_text as ' ~ lm_type_timestamp() ~ ')',
    },
    checks=[{'name': 'seconds', 'actual': lm_seconds_between('started_at', 'ended_at'), 'expected': 'expected'}],
) }}
