{#-
    Every var that reaches SQL is read through lm_var(name), which checks it against its spec below and
    raises a compilation error naming the var when it does not fit - at parse time, before any model runs
    and before the database is touched. Codes are then rendered with lm_sql_string(), numbers as numbers:

        '{{ var("lm_calc_source") }}'                 -- never: a quote in the value ends the literal
        {{ lm_sql_string(lm_var('lm_calc_source')) }}   -- checked, then quoted for the engine
        {{ lm_var('lm_lookback_hours') }}              -- a whole number in its range, or an error

    The same specs are checked once more by the first on-run-start hook (lm_validate_vars) and by the `lm`
    CLI (src/lm: same patterns and ranges), so `dbt build`, `dbt test` and `lm build` refuse the same values.
-#}

{#- kind, bounds and the default used when the project does not define the var (the test projects). -#}
{% macro lm_var_specs() %}
    {{ return({
        'lm_version': {'kind': 'code', 'max_length': 32, 'default': '1.1.0'},
        'lm_calc_profile': {'kind': 'code', 'max_length': 64, 'default': 'default_v1'},
        'lm_calc_source': {'kind': 'code', 'max_length': 64, 'default': 'cron_daily_scoring'},
        'lm_lookback_hours': {'kind': 'int', 'min': 0, 'max': 8760, 'default': 24},
        'lm_caller_window_days': {'kind': 'int', 'min': 1, 'max': 366, 'default': 7},
        'lm_future_tolerance_hours': {'kind': 'int', 'min': 0, 'max': 8760, 'default': 24},
        'lm_max_plausible_sec': {'kind': 'int', 'min': 1, 'max': 604800, 'default': 21600},
        'lm_value_max': {'kind': 'number', 'min': 1, 'max': 999999.9999, 'default': 999999.9999},
        'lm_full_rebuild': {'kind': 'bool', 'default': false},
        'lm_load_profile_weeks': {'kind': 'int', 'min': 1, 'max': 104, 'default': 8},
        'lm_call_directions': {'kind': 'codes', 'max_length': 64, 'default': ['in', 'out']},
        'lm_call_statuses': {'kind': 'codes', 'max_length': 64,
            'default': ['answered', 'missed', 'abandoned', 'busy', 'failed']},
        'lm_outcomes': {'kind': 'codes', 'max_length': 64,
            'default': ['record', 'no_record', 'callback', 'refusal', 'info_only']},
        'lm_guard_min_n': {'kind': 'int', 'min': 1, 'max': 100000000, 'default': 200},
        'lm_guard_score_band_low': {'kind': 'number', 'min': 0, 'max': 1, 'default': 0.2},
        'lm_guard_score_band_high': {'kind': 'number', 'min': 0, 'max': 1, 'default': 0.95},
        'lm_guard_max_out_of_scale_share': {'kind': 'number', 'min': 0, 'max': 1, 'default': 0.01},
        'lm_guard_max_unknown_share': {'kind': 'number', 'min': 0, 'max': 1, 'default': 0.02},
    }) }}
{% endmacro %}

{#-
    The checked value of a var of lm_var_specs(). Every call checks every var of the specs, not only the
    one asked for: any model that reads one var therefore refuses a bad value of any other at parse time.
    (dbt 1.7 goes on running the nodes after a failed on-run-start hook, so the hook alone would not stop
    a run; parsing does.)
-#}
{% macro lm_var(name) %}
    {%- set specs = lm_var_specs() -%}
    {%- if name not in specs -%}
        {{ exceptions.raise_compiler_error("lm_var: '" ~ name ~ "' is not a var of lm_var_specs()") }}
    {%- endif -%}
    {%- set checked = {} -%}
    {%- for spec_name, spec in specs.items() -%}
        {%- do checked.update({spec_name: lm_checked_value(spec_name, var(spec_name, spec['default']), spec)}) -%}
    {%- endfor -%}
    {{ return(checked[name]) }}
{% endmacro %}

{% macro lm_checked_value(name, value, spec) %}
    {%- set kind = spec['kind'] -%}
    {%- if kind == 'code' -%}
        {{ return(lm_checked_code(name, value, spec['max_length'])) }}
    {%- elif kind == 'codes' -%}
        {%- if value is string or value is not iterable or value is mapping or value | length == 0 -%}
            {{ lm_var_error(name, value, 'a non-empty list of codes') }}
        {%- endif -%}
        {%- set codes = [] -%}
        {%- for item in value -%}
            {%- do codes.append(lm_checked_code(name, item, spec['max_length'])) -%}
        {%- endfor -%}
        {{ return(codes) }}
    {%- elif kind == 'bool' -%}
        {%- if value is sameas true or value is sameas false -%}
            {{ return(value) }}
        {%- elif value is string and (value | lower | trim) in ['true', '1', 'yes', 'y', 'on'] -%}
            {{ return(true) }}
        {%- elif value is string and (value | lower | trim) in ['false', '0', 'no', 'n', 'off', ''] -%}
            {{ return(false) }}
        {%- endif -%}
        {{ lm_var_error(name, value, 'true or false') }}
    {%- endif -%}
    {#- int / number: a YAML number, or text that is exactly one -#}
    {%- set pattern = '-?[0-9]{1,12}' if kind == 'int' else '-?[0-9]{1,12}([.][0-9]{1,6})?' -%}
    {%- set text = value | string | trim -%}
    {%- if value is sameas true or value is sameas false or value is none
        or modules.re.fullmatch(pattern, text) is none -%}
        {{ lm_var_error(name, value, lm_range_text(kind, spec)) }}
    {%- endif -%}
    {%- set number = text | int if kind == 'int' else text | float -%}
    {%- if number < spec['min'] or number > spec['max'] -%}
        {{ lm_var_error(name, value, lm_range_text(kind, spec)) }}
    {%- endif -%}
    {{ return(number) }}
{% endmacro %}

{#- A code: lowercase letters, digits and _ . : - only, 1 to max_length characters. -#}
{% macro lm_checked_code(name, value, max_length) %}
    {%- if value is not string
        or modules.re.fullmatch('[a-z0-9_.:-]{1,' ~ max_length ~ '}', value) is none -%}
        {{ lm_var_error(name, value, 'a code of 1 to ' ~ max_length
            ~ ' characters from a-z 0-9 _ . : - (pattern ^[a-z0-9_.:-]{1,' ~ max_length ~ '}$)') }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}

{% macro lm_range_text(kind, spec) %}
    {{ return(('a whole number' if kind == 'int' else 'a number') ~ ' from ' ~ spec['min'] ~ ' to ' ~ spec['max']) }}
{% endmacro %}

{#- The one error message: which var, what it must be, and (shortened) what it was. -#}
{% macro lm_var_error(name, value, expected) %}
    {%- set shown = value | string -%}
    {%- set shown = shown[:60] ~ '... (' ~ (shown | length) ~ ' characters)' if shown | length > 60 else shown -%}
    {{ exceptions.raise_compiler_error(
        "lm: var " ~ name ~ " must be " ~ expected ~ "; got " ~ (shown | tojson)
    ) }}
{% endmacro %}

{#- The first on-run-start hook: every var of lm_var_specs() checked (for commands that parse no model). -#}
{% macro lm_validate_vars() %}
    {%- do lm_var('lm_version') -%}
    {{ return('') }}
{% endmacro %}
