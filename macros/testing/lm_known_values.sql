{#-
    lm_known_values(cases, checks, typed, key): the whole query of a known-value test in tests/macros/, so
    that each test file holds only its cases and this one call. The query returns one row per failed check
    (key, check name, actual and expected rendered as text); no rows means the test passes.

    cases   The literal input rows as SQL: a `union all` of selects, one row per line, the first naming
            the columns. Or none, when every check is a constant expression. Or a list of case sets, each
            a dict with `rows` and optionally its own `typed`, `checks` and `expectations` (defaulting to
            the arguments of the call): rows whose column types one union would unify (integer and
            text operands, say) go in separate sets, and so do rows that need other checks.
    typed   Dict of column name -> SQL expression over the case columns, computed next to them (the
            casts of *_text columns to the types under test). The checks see case and typed columns.
    checks  List of dicts, one per assertion made on every case row:
              name      label of the check in the failure rows;
              actual    SQL: the expression under test;
              expected  SQL: the expected value (a column, or a constant);
              compare   'value' (default): lm_is_distinct_from, NULL-safe (NULL vs NULL passes);
                        'text': lm_text_is_distinct_from, NULL-safe and byte for byte (case, trailing
                        spaces and accents count even under MySQL/MariaDB collations);
                        'plain': `<>`, for values that are never NULL (the truth tables of the two
                        comparators themselves, which must not be judged by themselves);
              tolerance / absolute_tolerance   numbers compared within a relative (|a - e| > t * |e|)
                        or absolute (|a - e| > t) tolerance; NULL must match NULL exactly.
    key     The column that identifies a case in the failure rows (none: no key column).
    expectations  (per call or per case set) Literal rows of expected values, one per key: the checks'
            `actual` are then aggregates over the case rows grouped by key, their `expected` columns of
            these rows, and a key of the expectations that has no case rows fails too.
-#}
{% macro lm_known_values(cases, checks=none, typed=none, key='case_id', expectations=none) %}
    {%- if cases is none or cases is string -%}
        {%- set case_sets = [{'rows': cases}] -%}
    {%- else -%}
        {%- set case_sets = cases -%}
    {%- endif -%}
    {%- set string_type = lm.lm_type_string() %}
    {#- ns.lead goes before each CTE: `with ` before the first, a blank line before the others. #}
    {%- set ns = namespace(lead='with ') %}
    {#- Per case set: cases (the rows), typed_cases (plus the typed columns), then either results (actual and
        expected of every check per case row) or expectations + actuals (aggregated by key) + results. #}
{%- for case_set in case_sets %}
    {%- set suffix = '' if case_sets | length == 1 else '_' ~ loop.index %}
    {%- set set_typed = case_set.get('typed', typed) or {} %}
    {%- set set_checks = case_set.get('checks', checks) %}
    {%- set set_expectations = case_set.get('expectations', expectations) %}
    {%- if not set_checks %}
        {{ exceptions.raise_compiler_error("lm_known_values: no checks for case set " ~ loop.index) }}
    {%- endif %}
    {%- if case_set.rows is not none %}
{{ ns.lead }}cases{{ suffix }} as ({% set ns.lead = "\n" %}
    {{ case_set.rows | trim }}
),
{{ ns.lead }}typed_cases{{ suffix }} as ({% set ns.lead = "\n" %}
    select
        cases{{ suffix }}.*
        {%- for name, expression in set_typed.items() %},
        {{ expression }} as {{ name }}
        {%- endfor %}
    from cases{{ suffix }}
),
    {%- endif %}
    {%- if set_expectations %}
{{ ns.lead }}expectations{{ suffix }} as ({% set ns.lead = "\n" %}
    {{ set_expectations | trim }}
),
{{ ns.lead }}actuals{{ suffix }} as ({% set ns.lead = "\n" %}
    select
        {{ key }}
        {%- for check in set_checks %},
        {{ check.actual }} as actual_{{ loop.index }}
        {%- endfor %}
    from typed_cases{{ suffix }}
    group by {{ key }}
),
{{ ns.lead }}results{{ suffix }} as ({% set ns.lead = "\n" %}
    select
        expectations{{ suffix }}.{{ key }},
        case when actuals{{ suffix }}.{{ key }} is null then 1 else 0 end as is_missing
        {%- for check in set_checks %},
        actuals{{ suffix }}.actual_{{ loop.index }},
        {{ check.expected }} as expected_{{ loop.index }}
        {%- endfor %}
    from expectations{{ suffix }}
    left join actuals{{ suffix }}
        on expectations{{ suffix }}.{{ key }} = actuals{{ suffix }}.{{ key }}
),
    {%- else %}
{{ ns.lead }}results{{ suffix }} as ({% set ns.lead = "\n" %}
    select
        {%- if key and case_set.rows is not none %}
        {{ key }},
        {%- endif %}
        {%- for check in set_checks %}
        {{ check.actual }} as actual_{{ loop.index }},
        {{ check.expected }} as expected_{{ loop.index }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    {%- if case_set.rows is not none %}
    from typed_cases{{ suffix }}
    {%- endif %}
),
    {%- endif %}
{%- endfor %}
{#- One select per case set and check: the rows where actual and expected differ, as text for reading. #}
{{ ns.lead }}failures as (
{%- for case_set in case_sets %}
    {%- set set_index = loop.index %}
    {%- set suffix = '' if case_sets | length == 1 else '_' ~ loop.index %}
    {%- set set_checks = case_set.get('checks', checks) %}
    {%- set set_expectations = case_set.get('expectations', expectations) %}
    {%- for check in set_checks %}
        {%- set actual = 'actual_' ~ loop.index %}
        {%- set expected = 'expected_' ~ loop.index %}
        {%- if not (set_index == 1 and loop.first) %}
    union all
        {%- endif %}
    select
        {%- if key and case_set.rows is none %}
        null as {{ key }},
        {%- elif key %}
        {{ key }},
        {%- endif %}
        '{{ check.name | replace("'", "''") }}' as check_name,
        cast({{ actual }} as {{ string_type }}) as actual_text,
        cast({{ expected }} as {{ string_type }}) as expected_text
    from results{{ suffix }}
    where
        {%- if set_expectations %} is_missing = 0 and{% endif %}
        {%- if check.tolerance is defined or check.absolute_tolerance is defined %}
        ({{ lm.lm_is_distinct_from(actual ~ ' is null', expected ~ ' is null') }}
            or abs({{ actual }} - {{ expected }}) >
            {%- if check.tolerance is defined %} {{ check.tolerance }} * abs({{ expected }})
            {%- else %} {{ check.absolute_tolerance }}{% endif %})
        {%- elif check.compare == 'text' %}
        {{ lm.lm_text_is_distinct_from(actual, expected) }}
        {%- elif check.compare == 'plain' %}
        {{ actual }} <> {{ expected }}
        {%- elif check.compare is not defined or check.compare == 'value' %}
        {{ lm.lm_is_distinct_from(actual, expected) }}
        {%- else %}
        {{ exceptions.raise_compiler_error("lm_known_values: unknown compare " ~ check.compare) }}
        {%- endif %}
    {%- endfor %}
    {%- if set_expectations %}
    union all
    select
        {{ key }},
        'no case rows for this key' as check_name,
        cast(null as {{ string_type }}) as actual_text,
        cast(null as {{ string_type }}) as expected_text
    from results{{ suffix }}
    where is_missing = 1
    {%- endif %}
{%- endfor %}
)

select * from failures
{% endmacro %}
