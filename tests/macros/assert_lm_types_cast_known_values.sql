-- Guards the lm_type_* names inside CAST on both engines: the int type is signed 64-bit (a 32-bit or
-- unsigned type, or a double, would change these values), the float type is double precision (a FLOAT
-- cast turns 0.1 into 0.100000001...), decimal rounds to its scale, the timestamp type keeps
-- microseconds (MySQL's plain DATETIME rounds .75 up, MariaDB's truncates it), a date cast drops the
-- time, and the string type keeps long and non-ASCII text whole. Integers are compared as text, so a
-- double (9007199254740993 -> ...992) cannot pass. Returns every check whose result is wrong.
{%- set int_checks = ['9007199254740993', '-9223372036854775807', '-5'] %}
{%- set float_checks = [['0.1', '0.1e0'], ['123456789.123', '123456789.123e0']] %}
{%- set decimal_checks = [['1.235', '1.24'], ['-1.235', '-1.24'], ['1234.5', '1234.50']] %}
{%- set string_checks = [['12345', "'12345'"], ["repeat('x', 300)", "repeat('x', 300)"], ["'приём'", "'приём'"]] %}
{%- set timestamp_type = lm_type_timestamp() %}
{%- set checks = [] %}
{%- for check in int_checks %}
    {%- do checks.append({
        'name': 'int ' ~ check,
        'actual': "cast(cast('" ~ check ~ "' as " ~ lm_type_int() ~ ") as " ~ lm_type_string() ~ ")",
        'expected': "'" ~ check ~ "'",
        'compare': 'text',
    }) %}
{%- endfor %}
{%- for check in float_checks %}
    {%- do checks.append({
        'name': 'float ' ~ check[0], 'actual': "cast('" ~ check[0] ~ "' as " ~ lm_type_float() ~ ")", 'expected': check[1],
    }) %}
{%- endfor %}
{%- for check in decimal_checks %}
    {%- do checks.append({
        'name': 'decimal(6, 2) ' ~ check[0],
        'actual': "cast('" ~ check[0] ~ "' as " ~ lm_type_decimal(6, 2) ~ ")",
        'expected': check[1],
    }) %}
{%- endfor %}
{%- do checks.append({
    'name': 'timestamp keeps .75 s',
    'actual': lm_bool_to_int(
        "cast('2024-01-02 03:04:05.750000' as " ~ timestamp_type ~ ") > cast('2024-01-02 03:04:05' as "
        ~ timestamp_type ~ ") and cast('2024-01-02 03:04:05.750000' as " ~ timestamp_type
        ~ ") < cast('2024-01-02 03:04:06' as " ~ timestamp_type ~ ")"
    ),
    'expected': '1',
}) %}
{%- do checks.append({
    'name': 'timestamp hour',
    'actual': lm_hour_of("cast('2024-01-02 23:04:05' as " ~ timestamp_type ~ ")"),
    'expected': '23',
}) %}
{%- do checks.append({
    'name': 'date drops the time',
    'actual': "cast(cast('2024-02-29 23:59:59' as " ~ timestamp_type ~ ") as date)",
    'expected': "cast('2024-02-29' as date)",
}) %}
{%- for check in string_checks %}
    {%- do checks.append({
        'name': 'string ' ~ loop.index,
        'actual': 'cast(' ~ check[0] ~ ' as ' ~ lm_type_string() ~ ')',
        'expected': check[1],
        'compare': 'text',
    }) %}
{%- endfor %}
{{ lm_known_values(none, checks=checks, key=none) }}
