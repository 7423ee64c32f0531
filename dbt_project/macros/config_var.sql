{#-
    A var built from a file under config/ by assets/dbt_models/dbt_vars.py, holding `keys`: every default lives in
    that file's pydantic model, none here. A run without the var, or with a var lacking one of `keys`, fails naming
    the var, the keys, the model and how to pass them; parsing (no vars, nothing run) reads each missing key as
    `parse_default`, SQL that is never run, so `dbt parse` builds the manifest.
-#}
{% macro config_var(var_name, config_file, keys=[], parse_default=none) -%}
    {%- set configured = var(var_name) -%}
    {%- set settings = {} -%}
    {%- if configured is mapping -%}{%- do settings.update(configured) -%}{%- endif -%}
    {%- set missing = [] -%}
    {%- for key in keys if key not in settings -%}
        {%- do missing.append(key) -%}
        {%- do settings.update({key: parse_default}) -%}
    {%- endfor -%}
    {%- if execute and (missing or not configured or configured is not mapping) -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ var_name ~ " " ~ ("has no " ~ missing | join(", ") if configured else "is empty")
            ~ " (read by " ~ model.name ~ "): pass --vars from `python -m assets.dbt_models.dbt_vars`"
            ~ " (config/" ~ config_file ~ ")"
        ) }}
    {%- endif -%}
    {{ return(settings) }}
{%- endmacro %}
