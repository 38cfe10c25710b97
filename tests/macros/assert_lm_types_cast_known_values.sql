-- Guards the lm_type_* names inside CAST on both engines: the int type is signed 64-bit (a 32-bit or
-- unsigned type, or a double, would change these values), the float type is double precision (a FLOAT
-- cast turns 0.1 into 0.100000001...), decimal rounds to its scale, the timestamp type keeps
-- microseconds (MySQL's plain DATETIME rounds .75 up, MariaDB's truncates it), the date type drops the
-- time, and the string type keeps long and non-ASCII text whole. Integers are compared as text, so a
-- double (9007199254740993 -> ...992) cannot pass. Returns every check whose result is wrong.
{%- set int_checks = ['9007199254740993', '-9223372036854775807', '-5'] %}
{%- set float_checks = [['0.1', '0.1e0'], ['123456789.123', '123456789.123e0']] %}
{%- set decimal_checks = [['1.235', '1.24'], ['-1.235', '-1.24'], ['1234.5', '1234.50']] %}
{%- set string_checks = [['12345', "'12345'"], ["repeat('x', 300)", "repeat('x', 300)"], ["'приём'", "'приём'"]] %}
with numeric_checks as (
    {%- for check in int_checks %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            'int {{ check }}' as check_name,
            cast(cast('{{ check }}' as {{ lm_type_int() }}) as {{ lm_type_string() }}) = '{{ check }}' as is_correct
    {%- endfor %}
    {%- for check in float_checks %}
        union all
        select
            'float {{ check[0] }}' as check_name,
            cast('{{ check[0] }}' as {{ lm_type_float() }}) = {{ check[1] }} as is_correct
    {%- endfor %}
    {%- for check in decimal_checks %}
        union all
        select
            'decimal(6, 2) {{ check[0] }}' as check_name,
            cast('{{ check[0] }}' as {{ lm_type_decimal(6, 2) }}) = {{ check[1] }} as is_correct
    {%- endfor %}
),

temporal_checks as (
    select
        'timestamp keeps .75 s' as check_name,
        (
            cast('2024-01-02 03:04:05.750000' as {{ lm_type_timestamp() }})
            > cast('2024-01-02 03:04:05' as {{ lm_type_timestamp() }})
            and cast('2024-01-02 03:04:05.750000' as {{ lm_type_timestamp() }})
            < cast('2024-01-02 03:04:06' as {{ lm_type_timestamp() }})
        ) as is_correct
    union all
    select
        'timestamp hour' as check_name,
        {{ lm_hour_of("cast('2024-01-02 23:04:05' as " ~ lm_type_timestamp() ~ ")") }} = 23 as is_correct
    union all
    select
        'date drops the time' as check_name,
        cast(cast('2024-02-29 23:59:59' as {{ lm_type_timestamp() }}) as {{ lm_type_date() }})
        = cast('2024-02-29' as {{ lm_type_date() }}) as is_correct
),

string_checks as (
    {%- for check in string_checks %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            'string {{ loop.index }}' as check_name,
            cast({{ check[0] }} as {{ lm_type_string() }}) as actual,
            {{ check[1] }} as expected
    {%- endfor %}
),

failures as (
    select check_name
    from numeric_checks
    where {{ lm_is_distinct_from(lm_bool_to_int('is_correct'), '1') }}
    union all
    select check_name
    from temporal_checks
    where {{ lm_is_distinct_from(lm_bool_to_int('is_correct'), '1') }}
    union all
    select check_name
    from string_checks
    where {{ lm_text_is_distinct_from('actual', 'expected') }}
),

final as (
    select check_name
    from failures
)

select * from final
