{#-
    Var `cdp_catalog`, built from config/catalog.yaml by assets/intelligence/catalog_config.py: every default lives
    there, none here (macro cdp.config_var). `key` is the setting the calling model reads, a whole number of at
    least 1; parsing (no vars, nothing run) reads it as 1, SQL that never runs.
-#}
{% macro catalog_setting(key) -%}
    {%- set value = cdp.config_var('cdp_catalog', 'catalog.yaml', [key], 1)[key] -%}
    {%- if value is not number or value is boolean or value < 1 -%}
        {{ exceptions.raise_compiler_error(
            "var cdp_catalog." ~ key ~ " must be a whole number of at least 1, got " ~ value
            ~ " (read by " ~ model.name ~ ")"
        ) }}
    {%- endif -%}
    {{ return(value | int) }}
{%- endmacro %}
