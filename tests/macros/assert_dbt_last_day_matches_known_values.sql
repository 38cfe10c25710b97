-- Guards dbt.last_day on MySQL/MariaDB, which works only through the project's dateadd and date_trunc
-- overrides (dbt's default_last_day calls both): last day of the month (leap February), quarter and year.
{%- set expectations = [
    ['month', '2024-02-10', '2024-02-29'],
    ['month', '2023-02-10', '2023-02-28'],
    ['quarter', '2024-02-10', '2024-03-31'],
    ['year', '2024-02-10', '2024-12-31'],
] %}
{%- set checks = [] %}
{%- for datepart, day, expected in expectations %}
    {%- do checks.append({
        'name': datepart ~ ' of ' ~ day,
        'actual': dbt.last_day("cast('" ~ day ~ "' as date)", datepart),
        'expected': "cast('" ~ expected ~ "' as date)",
    }) %}
{%- endfor %}
{{ lm_known_values(none, checks=checks, key=none) }}
