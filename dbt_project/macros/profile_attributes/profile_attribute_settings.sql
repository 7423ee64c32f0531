{#-
    Var `cdp_attributes`, built from config/profiles.yaml by assets/profiles/attributes_config.py: every default
    lives there, none here, so a run without the var fails naming it instead of building with a copy of its own.
    `keys` are the settings the calling model reads; a var (or a unit test's override) without one of them is an
    error when executing. Parsing renders every model without vars: then a key not given reads as an empty list,
    so nothing is iterated or compiled from it, and `dbt parse` builds the manifest; that SQL is never run.
-#}
{% macro profile_attribute_settings(keys) -%}
    {%- set configured = var('cdp_attributes') -%}
    {%- set settings = {} -%}
    {%- if configured is mapping -%}{%- do settings.update(configured) -%}{%- endif -%}
    {%- set missing = [] -%}
    {%- for key in keys if key not in settings -%}
        {%- do missing.append(key) -%}
        {%- do settings.update({key: []}) -%}
    {%- endfor -%}
    {%- if execute and missing -%}
        {{ exceptions.raise_compiler_error(
            "var cdp_attributes " ~ ("has no " ~ missing | join(", ") if configured else "is empty")
            ~ " (read by " ~ model.name ~ "): pass --vars from `python -m assets.dbt_models.dbt_vars`"
            ~ " (config/profiles.yaml)"
        ) }}
    {%- endif -%}
    {{ return(settings) }}
{%- endmacro %}

{#- (key, `relation.column`) pairs for json_object_of, one per configured item with a `name`. -#}
{% macro prefixed_property_pairs(relation, items) -%}
    {%- set pairs = [] -%}
    {%- for item in items -%}
        {%- do pairs.append((item['name'], relation ~ '.' ~ cdp.property_column(item['name']))) -%}
    {%- endfor -%}
    {{ return(pairs) }}
{%- endmacro %}
