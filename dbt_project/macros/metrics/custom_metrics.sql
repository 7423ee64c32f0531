{#-
    Var `cdp_metrics`, built from config/metrics.yaml by assets/profiles/metrics_config.py: a list, empty when no
    metric is configured. dbt_project.yml gives it as null, so a run without the var fails naming it instead of
    building metric tables with no metrics; parsing (no vars, nothing run) reads it as no metrics.
-#}
{% macro custom_metrics() -%}
    {%- set metrics = var('cdp_metrics') -%}
    {%- if metrics is none or metrics is string or metrics is mapping or metrics is not iterable -%}
        {%- if execute -%}
            {{ exceptions.raise_compiler_error(
                "var cdp_metrics " ~ ("is not set" if metrics is none else "is not a list")
                ~ " (read by " ~ model.name ~ "): pass --vars from `python -m assets.dbt_models.dbt_vars`"
                ~ " (config/metrics.yaml)"
            ) }}
        {%- endif -%}
        {{ return([]) }}
    {%- endif -%}
    {{ return(metrics) }}
{%- endmacro %}
