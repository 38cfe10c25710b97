-- Guards lm_now: a timestamp without time zone on the session's local clock (compared with the wall clock
-- of the machine running dbt, rendered at compile time, so a UTC or TIMESTAMPTZ value fails wherever the
-- local zone is not UTC; assumes the database runs in the same time zone as dbt, true for the local
-- servers these tests run on), in whole seconds on both engines (MySQL's NOW() has no fraction), usable
-- by the other date macros. Returns one row per failed property.
{%- set cases %}
    select
        {{ lm_now() }} as now_at,
        cast('{{ modules.datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S") }}' as {{ lm_type_timestamp() }})
        as rendered_at
{%- endset %}
{%- set seconds_since_render = lm_seconds_between('rendered_at', 'now_at') %}
{{ lm_known_values(cases, key=none, checks=[
    {
        'name': 'within 120 s of the local wall clock',
        'actual': lm_bool_to_int(seconds_since_render ~ ' between -5 and 120'),
        'expected': '1',
    },
    {
        'name': 'no fraction of a second',
        'actual': lm_add_interval(lm_date_of('now_at'), lm_seconds_between(lm_date_of('now_at'), 'now_at'), 'second'),
        'expected': 'now_at',
    },
]) }}
