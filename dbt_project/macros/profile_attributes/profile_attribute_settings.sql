{#-
    Var `cdp_attributes`, built from config/profiles.yaml by assets/profiles/attributes_config.py: every default
    lives there, none here, so a run without the var fails naming it instead of building with a copy of its own.
    `keys` are the settings the calling model reads; a var (or a unit test's override) without one of them is an
    error when executing. Parsing renders every model without vars: then a key not given reads as an empty list,
    so nothing is iterated or compiled from it, and `dbt parse` builds the manifest; that SQL is never run.
-#}
{% macro profile_attribute_settings(keys) -%}
    {{ return(cdp.config_var('cdp_attributes', 'profiles.yaml', keys, [])) }}
{%- endmacro %}

{#- (key, `relation.column`) pairs for json_object_of, one per configured item with a `name`. -#}
{% macro prefixed_property_pairs(relation, items) -%}
    {%- set pairs = [] -%}
    {%- for item in items -%}
        {%- do pairs.append((item['name'], relation ~ '.' ~ cdp.property_column(item['name']))) -%}
    {%- endfor -%}
    {{ return(pairs) }}
{%- endmacro %}
