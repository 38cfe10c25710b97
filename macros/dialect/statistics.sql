{#-
    Percentiles. lm_percentile_cont(value, fraction, value_rank, value_count): the continuous percentile
    (linear interpolation between the two nearest ranks, as SQL's PERCENTILE_CONT and numpy's default
    `linear` method) of `value` over the rows of a GROUP BY group, as an aggregate expression.
    MySQL 8 has no PERCENTILE_CONT and MariaDB 10.11 has it only as a window function, so the caller ranks
    the group's rows first, in a CTE: value_rank = row_number() over (partition by <group> order by value),
    value_count = count(*) over (partition by <group>), NULL values filtered out before ranking.
    fraction is a literal between 0 and 1.
-#}
{% macro lm_percentile_cont(value, fraction, value_rank, value_count) %}
    {%- if not (fraction is number and 0 <= fraction <= 1) -%}
        {{ exceptions.raise_compiler_error("lm_percentile_cont: fraction must be a number in [0, 1], got " ~ fraction) }}
    {%- endif -%}
    {{ return(adapter.dispatch('lm_percentile_cont', 'lm')(value, fraction, value_rank, value_count)) }}
{% endmacro %}

{#- Interpolation on the ranks: h = (n - 1) * fraction + 1, value at floor(h) plus the fraction of h
    times the step to the next rank (no next rank when h = n). -#}
{% macro default__lm_percentile_cont(value, fraction, value_rank, value_count) -%}
    {%- set position = '((' ~ value_count ~ ' - 1) * ' ~ fraction ~ ' + 1)' -%}
    (
        max(case when {{ value_rank }} = floor({{ position }}) then {{ value }} end)
        + max({{ position }} - floor({{ position }}))
        * (
            coalesce(
                max(case when {{ value_rank }} = floor({{ position }}) + 1 then {{ value }} end),
                max(case when {{ value_rank }} = floor({{ position }}) then {{ value }} end)
            )
            - max(case when {{ value_rank }} = floor({{ position }}) then {{ value }} end)
        )
    )
{%- endmacro %}

{% macro mysql__lm_percentile_cont(value, fraction, value_rank, value_count) %}
    {{ return(lm.default__lm_percentile_cont(value, fraction, value_rank, value_count)) }}
{% endmacro %}

{% macro mariadb__lm_percentile_cont(value, fraction, value_rank, value_count) %}
    {{ return(lm.default__lm_percentile_cont(value, fraction, value_rank, value_count)) }}
{% endmacro %}

{#- DuckDB's own aggregate (the ranks are not needed). -#}
{% macro duckdb__lm_percentile_cont(value, fraction, value_rank, value_count) -%}
    quantile_cont({{ value }}, {{ fraction }})
{%- endmacro %}
