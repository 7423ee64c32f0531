{#- The identity rules (var `cdp_identity`, built from config/identity.yaml by assets/dbt_models/dbt_vars.py). -#}
{% macro identity_settings() -%}
    {%- set settings = var('cdp_identity') -%}
    {%- if execute and not settings.get('identifiers') -%}
        {{ exceptions.raise_compiler_error(
            "var cdp_identity is empty: pass --vars from `python -m assets.dbt_models.dbt_vars` (config/identity.yaml)"
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

{#- SQL boolean: `value_sql` (already normalized) of `type_sql` is a blocklisted junk value: one regular expression
    per type, built from the config by assets/profiles/identity_config.py, so each value is matched once. Phones
    are judged by `phone_is_junk`, once per distinct number where they are normalized, not here per observation. -#}
{% macro identifier_is_junk(type_sql, value_sql) -%}
    {%- set regex_by_type = cdp.identity_settings().get('blocklist', {}).get('regex_by_type', {}) -%}
    (
        {{ value_sql }} is null
        or case {{ type_sql }}
            when 'phone' then false
            {%- for identifier_type, regex in regex_by_type.items() if identifier_type not in ('any', 'phone') %}
            when {{ cdp.sql_literal(identifier_type) }} then {{ cdp.junk_regex_match(value_sql, regex) }}
            {%- endfor %}
            else {{ cdp.junk_regex_match(value_sql, regex_by_type.get('any')) }}
        end
        {#- No address without a local part, a domain and a top-level domain of two letters or more: a
            placeholder such as x@x.x, typed on hundreds of guest orders, would join them all. #}
        or ({{ type_sql }} = 'email' and {{ value_sql }} not like '%_@_%.__%')
    )
{%- endmacro %}

{#- SQL boolean: the E.164 phone number `e164_sql` is junk: null (the normalized model leaves a number null unless
    phonenumbers reads it as valid), or blocklisted (listed digits, repeated digits, `phone` and `any` patterns). -#}
{% macro phone_is_junk(e164_sql) -%}
    {%- set regex_by_type = cdp.identity_settings().get('blocklist', {}).get('regex_by_type', {}) -%}
    ({{ e164_sql }} is null or {{ cdp.junk_regex_match(e164_sql, regex_by_type.get('phone')) }})
{%- endmacro %}

{#- SQL boolean: `value_sql` fully matches the blocklist's `regex`; false when the type has no rule (none). -#}
{% macro junk_regex_match(value_sql, regex) -%}
    {%- if regex -%}{{ cdp.regex_full_match(value_sql, regex) }}{%- else -%}false{%- endif -%}
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

{#- SQL: the observation key of a Segment call, from its columns in stg_segment__events: each distinct combination
    of ids (and source) in events is one observation. One definition for int_identity_observations and the events
    mart, which finds an event's profile through it when none of the call's ids links. -#}
{% macro segment_observation_key() -%}
    {{ dbt.concat(["'events:'", dbt.hash(dbt.concat([
        "coalesce(anonymous_id, '')", "'|'", "coalesce(user_id, '')", "'|'", "coalesce(previous_id, '')",
        "'|'", "coalesce(email, '')", "'|'", "coalesce(phone_raw, '')", "'|'", "source_label"
    ]))]) }}
{%- endmacro %}
