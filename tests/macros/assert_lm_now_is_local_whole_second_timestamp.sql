-- Guards lm_now: a timestamp without time zone on the session's local clock (compared with the wall clock
-- of the machine running dbt, rendered at compile time, so a UTC or TIMESTAMPTZ value fails wherever the
-- local zone is not UTC; assumes the database runs in the same time zone as dbt, true for the local
-- servers these tests run on), in whole seconds on both engines (MySQL's NOW() has no fraction), usable
-- by the other date macros. Returns one row per failed property.
{%- set rendered_at = modules.datetime.datetime.now().strftime('%Y-%m-%d %H:%M:%S') %}
with probe as (
    select
        {{ lm_now() }} as now_at,
        cast('{{ rendered_at }}' as {{ lm_type_timestamp() }}) as rendered_at
),

measured as (
    select
        now_at,
        rendered_at,
        {{ lm_seconds_between('rendered_at', 'now_at') }} as seconds_since_render,
        {{ lm_add_interval(
            lm_date_of('now_at'),
            lm_seconds_between(lm_date_of('now_at'), 'now_at'),
            'second'
        ) }} as now_rebuilt_from_whole_seconds
    from probe
),

failures as (
    select
        'not within 120 s of the local wall clock' as failure,
        seconds_since_render as detail
    from measured
    where seconds_since_render is null or seconds_since_render < -5 or seconds_since_render > 120
    union all
    select
        'has a fraction of a second' as failure,
        {{ lm_seconds_between('now_rebuilt_from_whole_seconds', 'now_at') }} as detail
    from measured
    where {{ lm_is_distinct_from('now_at', 'now_rebuilt_from_whole_seconds') }}
),

final as (
    select
        failure,
        detail
    from failures
)

select * from final
