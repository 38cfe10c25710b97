{#-
    Generic test: no two rows of the model share the same values of `columns` (a composite key), and no
    key column is NULL. The project's own stand-in for dbt_utils.unique_combination_of_columns (packages
    cannot be downloaded here). Fails with one row per duplicated or incomplete key:

        - name: lm_calc_profiles
          tests:
            - unique_combination:
                columns: [calc_profile, parameter_code]
-#}
{% test unique_combination(model, columns) %}
    {%- if columns is string or columns | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "unique_combination on " ~ model ~ ": `columns` must be a non-empty list of column names"
        ) }}
    {%- endif %}

with

model_keys as (
    select
        {{ columns | join(',\n        ') }}
    from {{ model }}
),

duplicated as (
    select
        {{ columns | join(',\n        ') }},
        count(*) as key_rows
    from model_keys
    group by {{ columns | join(', ') }}
    having count(*) > 1
),

incomplete as (
    select
        {{ columns | join(',\n        ') }},
        count(*) as key_rows
    from model_keys
    where {{ columns | join(' is null or ') }} is null
    group by {{ columns | join(', ') }}
),

final as (
    select * from duplicated
    union all
    select * from incomplete
)

select * from final
{% endtest %}
