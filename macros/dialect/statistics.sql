{#-
    Percentiles. lm_percentile_cont(value, fraction, value_rank, value_count): the continuous percentile
    (linear interpolation between the two nearest ranks, as SQL's PERCENTILE_CONT and numpy's default
    `linear` method) of `value` over the rows of a GROUP BY group, as an aggregate expression.
    MySQL 8 has no PERCENTILE_CONT and MariaDB 10.11 has it only as a window function, so the caller ranks
    the group's rows first, in a CTE: value_rank = row_number() over (partition by <group> order by value),
    value_count = count(*) over (partition by <group>), NULL values filtered out before ranking.
    fraction is a literal between 0 and 1.
    Over many equal values the caller may count them first: one row per distinct value with
    rows_at_value = its number of rows, value_rank = the running total of rows_at_value by value (the
    last rank the value holds) and value_count = the group's total rows; the result is the same.
-#}
{% macro lm_percentile_cont(value, fraction, value_rank, value_count, rows_at_value=none) %}
    {%- if not (fraction is number and 0 <= fraction <= 1) -%}
        {{ exceptions.raise_compiler_error("lm_percentile_cont: fraction must be a number in [0, 1], got " ~ fraction) }}
    {%- endif -%}
    {{ return(adapter.dispatch('lm_percentile_cont', 'lm')(value, fraction, value_rank, value_count, rows_at_value)) }}
{% endmacro %}

{#- Interpolation on the ranks: h = (n - 1) * fraction + 1, value at floor(h) plus the fraction of h
    times the step to the next rank (no next rank when h = n). With rows_at_value, a row stands for
    rows_at_value equal values holding the ranks value_rank - rows_at_value + 1 .. value_rank. -#}
{% macro default__lm_percentile_cont(value, fraction, value_rank, value_count, rows_at_value=none) -%}
    {%- set position = '((' ~ value_count ~ ' - 1) * ' ~ fraction ~ ' + 1)' -%}
    {%- set lower_rank = 'floor(' ~ position ~ ')' -%}
    {%- if rows_at_value is none -%}
        {%- set at_lower = value_rank ~ ' = ' ~ lower_rank -%}
        {%- set at_upper = value_rank ~ ' = ' ~ lower_rank ~ ' + 1' -%}
    {%- else -%}
        {%- set first_rank = '(' ~ value_rank ~ ' - ' ~ rows_at_value ~ ' + 1)' -%}
        {%- set at_lower = lower_rank ~ ' between ' ~ first_rank ~ ' and ' ~ value_rank -%}
        {%- set at_upper = lower_rank ~ ' + 1 between ' ~ first_rank ~ ' and ' ~ value_rank -%}
    {%- endif -%}
    (
        max(case when {{ at_lower }} then {{ value }} end)
        + max({{ position }} - {{ lower_rank }})
        * (
            coalesce(
                max(case when {{ at_upper }} then {{ value }} end),
                max(case when {{ at_lower }} then {{ value }} end)
            )
            - max(case when {{ at_lower }} then {{ value }} end)
        )
    )
{%- endmacro %}

{% macro mysql__lm_percentile_cont(value, fraction, value_rank, value_count, rows_at_value=none) %}
    {{ return(lm.default__lm_percentile_cont(value, fraction, value_rank, value_count, rows_at_value)) }}
{% endmacro %}

{% macro mariadb__lm_percentile_cont(value, fraction, value_rank, value_count, rows_at_value=none) %}
    {{ return(lm.default__lm_percentile_cont(value, fraction, value_rank, value_count, rows_at_value)) }}
{% endmacro %}

{#- DuckDB's own aggregate over the group's rows (the ranks are not needed); over rows that stand for
    several equal values (rows_at_value) the rank interpolation, as quantile_cont takes no weights. -#}
{% macro duckdb__lm_percentile_cont(value, fraction, value_rank, value_count, rows_at_value=none) -%}
    {%- if rows_at_value is none -%}
        quantile_cont({{ value }}, {{ fraction }})
    {%- else -%}
        {{ lm.default__lm_percentile_cont(value, fraction, value_rank, value_count, rows_at_value) }}
    {%- endif -%}
{%- endmacro %}
