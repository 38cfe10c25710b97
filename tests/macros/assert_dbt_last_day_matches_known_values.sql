-- Guards dbt.last_day on MySQL/MariaDB, which works only through the project's dateadd and date_trunc
-- overrides (dbt's default_last_day calls both): last day of the month (leap February), quarter and year.
{%- set checks = [
    ['month', '2024-02-10', '2024-02-29'],
    ['month', '2023-02-10', '2023-02-28'],
    ['quarter', '2024-02-10', '2024-03-31'],
    ['year', '2024-02-10', '2024-12-31'],
] %}
with results as (
    {%- for check in checks %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            {{ loop.index }} as case_id,
            '{{ check[0] }}' as datepart,
            {{ dbt.last_day("cast('" ~ check[1] ~ "' as " ~ lm_type_date() ~ ")", check[0]) }} as actual,
            cast('{{ check[2] }}' as {{ lm_type_date() }}) as expected
    {%- endfor %}
),

final as (
    select
        case_id,
        datepart,
        actual,
        expected
    from results
    where {{ lm_is_distinct_from('actual', 'expected') }}
)

select * from final
