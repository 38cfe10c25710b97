-- One row: every threshold and weight of the selected calc profile (var lm_calc_profile) as a column.
-- The parameter list is read from the seed itself, so a new parameter needs no change here. (Before the
-- seed is loaded - e.g. when sqlfluff compiles on an empty schema - the list is empty.)
{%- set profile_seed = ref('lm_calc_profiles') %}
{%- set parameter_codes = [] %}
{%- if execute and load_relation(profile_seed) is not none %}
    {%- set found = run_query(
        "select distinct calc_profile, parameter_code from " ~ profile_seed ~ " order by parameter_code"
    ) %}
    {%- set profiles = found.columns[0].values() | unique | list %}
    {%- if lm_var('lm_calc_profile') not in profiles %}
        {{ exceptions.raise_compiler_error(
            "calc profile '" ~ lm_var('lm_calc_profile') ~ "' (var lm_calc_profile) is not in seed lm_calc_profiles; "
            ~ "known profiles: " ~ (profiles | sort | join(', '))
        ) }}
    {%- endif %}
    {%- set parameter_codes = found.columns[1].values() | unique | list %}
{%- endif %}

with

profile_parameters as (
    select
        calc_profile,
        parameter_code,
        parameter_value
    from {{ profile_seed }}
    where calc_profile = {{ lm_sql_string(lm_var('lm_calc_profile')) }}
),

final as (
    select
        {% for code in parameter_codes -%}
        max(case when parameter_code = '{{ code }}' then parameter_value end) as {{ code }},
        {% endfor -%}
        max(calc_profile) as calc_profile
    from profile_parameters
)

select * from final
