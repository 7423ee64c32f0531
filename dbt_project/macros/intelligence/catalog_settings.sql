{#-
    Var `cdp_catalog`, built from config/catalog.yaml by assets/intelligence/catalog_config.py: every default lives
    there, none here. `key` is the setting the calling model reads; a run without the var, or a var without the
    key, fails naming both. Parsing (no vars, nothing run) reads a missing setting as 1, SQL that never runs.
-#}
{% macro catalog_setting(key) -%}
    {%- set settings = var('cdp_catalog') -%}
    {%- if settings is not mapping or key not in settings -%}
        {%- if execute -%}
            {{ exceptions.raise_compiler_error(
                "var cdp_catalog " ~ ("has no " ~ key if settings else "is empty")
                ~ " (read by " ~ model.name ~ "): pass --vars from `python -m assets.dbt_models.dbt_vars`"
                ~ " (config/catalog.yaml)"
            ) }}
        {%- endif -%}
        {{ return(1) }}
    {%- endif -%}
    {%- set value = settings[key] -%}
    {%- if value is not number or value is boolean or value < 1 -%}
        {{ exceptions.raise_compiler_error(
            "var cdp_catalog." ~ key ~ " must be a whole number of at least 1, got " ~ value
            ~ " (read by " ~ model.name ~ ")"
        ) }}
    {%- endif -%}
    {{ return(value | int) }}
{%- endmacro %}
