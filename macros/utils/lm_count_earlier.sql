{#-
    int_forecast_features: how many of a call's previous calls (columns earlier_<k>_..., k = 1..max_earlier,
    flagged is_earlier_<k> when within the caller window) meet `condition`, written with _K_ for the k:
        {{ lm_count_earlier("earlier_K_outcome = 'record'", 5) }}
    A sum of CASE expressions: the same SQL on every engine.
-#}
{% macro lm_count_earlier(condition, max_earlier) -%}
    (
    {%- for k in range(1, max_earlier + 1) %}
        case when is_earlier_{{ k }} and {{ condition | replace('_K_', '_' ~ k ~ '_') }} then 1 else 0 end
        {{- ' +' if not loop.last }}
    {%- endfor %}
    )
{%- endmacro %}
