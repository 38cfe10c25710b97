-- Guards lm_iso_weekday: ISO weekday 1 = Monday .. 7 = Sunday (not MySQL's DAYOFWEEK, 1 = Sunday, nor
-- its WEEKDAY, 0 = Monday), for timestamps and for dates, NULL in -> NULL out.
{%- set cases %}
    select 1 as case_id, '2024-05-13 00:00:00' as input_text, 1 as expected
    union all
    select 2, '2024-05-19 23:59:59.999999', 7
    union all
    select 3, '2023-01-01 12:30:00', 7
    union all
    select 4, '2024-03-01 09:00:00', 5
    union all
    select 5, '2024-01-03 18:45:00', 3
    union all
    select 6, '2024-12-31 01:00:00', 2
    union all
    select 7, '2024-02-29 13:00:00', 4
    union all
    select 8, null, null
{%- endset %}
{{ lm_known_values(
    cases,
    typed={'input_at': 'cast(input_text as ' ~ lm_type_timestamp() ~ ')'},
    checks=[
        {'name': 'from timestamp', 'actual': lm_iso_weekday('input_at'), 'expected': 'expected'},
        {'name': 'from date', 'actual': lm_iso_weekday(lm_date_of('input_at')), 'expected': 'expected'},
    ],
) }}
