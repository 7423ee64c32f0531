{#- The identity rules (var `cdp_identity`, built from config/identity.yaml by assets/profiles/dbt_vars.py). -#}
{% macro identity_settings() -%}
    {%- set settings = var('cdp_identity') -%}
    {%- if execute and not settings.get('identifiers') -%}
        {{ exceptions.raise_compiler_error(
            "var cdp_identity is empty: pass --vars from `python -m assets.profiles.dbt_vars` (config/identity.yaml)"
        ) }}
    {%- endif -%}
    {{ return(settings) }}
{%- endmacro %}

{#- Identifier types in priority order (strongest first); only those that link when `linking_only`. -#}
{% macro identity_types(linking_only=false) -%}
    {%- set types = [] -%}
    {%- for rule in cdp.identity_settings().get('identifiers', []) -%}
        {%- if rule['links'] or not linking_only -%}{%- do types.append(rule['type']) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(types) }}
{%- endmacro %}

{#- A single-quoted SQL string literal; the only way config values reach SQL text. -#}
{% macro sql_literal(value) -%}
    {{ return(adapter.dispatch('sql_literal', 'cdp')(value)) }}
{%- endmacro %}

{% macro default__sql_literal(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{% macro snowflake__sql_literal(value) -%}
    '{{ value | string | replace("\\", "\\\\") | replace("'", "''") }}'
{%- endmacro %}

{#- `(a, b, c)` of literals for an `in` list; `(null)` when empty so the SQL stays valid. -#}
{% macro sql_literal_list(values) -%}
    {%- if values | length == 0 -%}(null){%- else -%}
    ({%- for value in values -%}{{ cdp.sql_literal(value) }}{{ ", " if not loop.last }}{%- endfor -%})
    {%- endif -%}
{%- endmacro %}

{#- SQL: the region read for phones without a country code on a record without a 2-letter country of its own:
    the source's own region from `phone_region_by_source` (keyed by `source_name_sql`), else the default one. -#}
{% macro default_phone_region(source_name_sql) -%}
    {%- set settings = cdp.identity_settings() -%}
    {%- set by_source = settings.get('phone_region_by_source', {}) -%}
    {%- set fallback = cdp.sql_literal(settings.get('default_phone_region', 'US')) -%}
    {%- if by_source -%}
    case {{ source_name_sql }}
        {%- for source_name, region in by_source.items() %}
        when {{ cdp.sql_literal(source_name) }} then {{ cdp.sql_literal(region) }}
        {%- endfor %}
        else {{ fallback }}
    end
    {%- else -%}
    {{ fallback }}
    {%- endif -%}
{%- endmacro %}

{#- SQL: one row per identifier type with its rule, from the config (link, limit, priority, same value as). -#}
{% macro identity_rules_relation() -%}
    {%- set rules = cdp.identity_settings().get('identifiers', []) -%}
    {%- for rule in rules %}
    select
        {{ cdp.sql_literal(rule['type']) }} as identifier_type,
        {{ 'true' if rule['links'] else 'false' }} as is_linking_type,
        cast({{ rule['max_per_profile'] if rule['max_per_profile'] is not none else 'null' }} as integer)
            as max_per_profile,
        cast({{ rule['priority'] | int }} as integer) as priority,
        cast({{ cdp.sql_literal(rule['same_value_as']) if rule.get('same_value_as') else 'null' }} as varchar)
            as same_value_as
    {{ "union all" if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- SQL boolean: `value_sql` (already normalized) of `type_sql` is a blocklisted junk value. Phones are judged by
    `phone_is_junk`, once per distinct number where they are normalized, not here per observation. -#}
{% macro identifier_is_junk(type_sql, value_sql) -%}
    {%- set blocklist = cdp.identity_settings().get('blocklist', {}) -%}
    (
        {{ value_sql }} is null
        or lower(trim({{ value_sql }})) in {{ cdp.sql_literal_list(blocklist.get('any', [])) }}
        or ({{ type_sql }} = 'email' and (
            {{ value_sql }} in {{ cdp.sql_literal_list(blocklist.get('email', [])) }}
            {#- No address without a local part, a domain and a top-level domain of two letters or more: a
                placeholder such as x@x.x, typed on hundreds of guest orders, would join them all. #}
            or {{ value_sql }} not like '%_@_%.__%'
        ))
    )
{%- endmacro %}

{#- SQL boolean: the E.164 phone number `e164_sql` (`+` and digits) is blocklisted junk, compared on its digits (the
    last ten too, so a country code does not hide it), or its last seven digits are one digit repeated. -#}
{% macro phone_is_junk(e164_sql) -%}
    {%- set blocklist = cdp.identity_settings().get('blocklist', {}) -%}
    {%- set digits = "ltrim(" ~ e164_sql ~ ", '+')" -%}
    (
        {{ e164_sql }} is null
        or {{ digits }} in {{ cdp.sql_literal_list(blocklist.get('phone_digits', [])) }}
        or right({{ digits }}, 10) in {{ cdp.sql_literal_list(blocklist.get('phone_digits', [])) }}
        {%- if blocklist.get('repeated_digit_phones', true) %}
        {#- The last seven digits all alike: 0000000, 9999999 ... whatever the country code. #}
        or right({{ digits }}, 7) = {{ dbt.concat(["substr(right(" ~ digits ~ ", 7), 1, 1)"] * 7) }}
        {%- endif %}
    )
{%- endmacro %}

{#- SQL: one row per (identifier type, type seen with) that has a value limit: a value of `identifier_type` seen
    with more than `max_values` different values of `seen_with_type` links nothing (from `value_limits` and each
    strong type's `max_per_profile`, expanded by assets/profiles/identity_config.py). -#}
{% macro identity_value_limits_relation() -%}
    {%- set pairs = cdp.identity_settings().get('value_limits', []) -%}
    {%- if pairs | length == 0 %}
    select
        cast(null as varchar) as identifier_type,
        cast(null as varchar) as seen_with_type,
        cast(null as integer) as max_values
    where 1 = 0
    {%- endif %}
    {%- for pair in pairs %}
    select
        {{ cdp.sql_literal(pair['type']) }} as identifier_type,
        {{ cdp.sql_literal(pair['seen_with']) }} as seen_with_type,
        cast({{ pair['max_values'] | int }} as integer) as max_values
    {{ "union all" if not loop.last }}
    {%- endfor %}
{%- endmacro %}
