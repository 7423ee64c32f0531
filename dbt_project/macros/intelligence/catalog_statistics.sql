{#-
    The continuous percentile of `fraction` (0 to 1) of a numeric expression, as an aggregate: linear interpolation
    between the two nearest values (DuckDB quantile_cont, SQL percentile_cont), so the median of 10 and 20 is 15.
    Python's statistics.quantiles(method='inclusive') gives the same quartiles.
-#}
{% macro percentile_cont(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'cdp')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__percentile_cont(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}
