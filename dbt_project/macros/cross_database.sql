{#- Dialect-specific expressions, each behind adapter.dispatch with a DuckDB implementation. -#}

{#- Text at a JSON path (`$.a.b`) of a JSON column, or null. -#}
{% macro json_text(json_sql, path) -%}
    {{ return(adapter.dispatch('json_text', 'cdp')(json_sql, path)) }}
{%- endmacro %}

{% macro duckdb__json_text(json_sql, path) -%}
    ({{ json_sql }} ->> {{ cdp.sql_literal(path) }})
{%- endmacro %}

{#- A JSON object from (key, sql expression) pairs; keys with null values are kept as JSON null. -#}
{% macro json_object(pairs) -%}
    {{ return(adapter.dispatch('json_object', 'cdp')(pairs)) }}
{%- endmacro %}

{% macro duckdb__json_object(pairs) -%}
    json_object({%- for key, value in pairs -%}{{ cdp.sql_literal(key) }}, {{ value }}{{ ", " if not loop.last }}{%- endfor -%})
{%- endmacro %}

{#- Group `group` of the first match of a regular expression, or null. -#}
{% macro regex_extract(text_sql, pattern, group=1) -%}
    {{ return(adapter.dispatch('regex_extract', 'cdp')(text_sql, pattern, group)) }}
{%- endmacro %}

{% macro duckdb__regex_extract(text_sql, pattern, group) -%}
    nullif(regexp_extract({{ text_sql }}, {{ cdp.sql_literal(pattern) }}, {{ group }}), '')
{%- endmacro %}

{#- True when the whole text matches a regular expression (RE2 syntax on DuckDB). -#}
{% macro regex_full_match(text_sql, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'cdp')(text_sql, pattern)) }}
{%- endmacro %}

{% macro duckdb__regex_full_match(text_sql, pattern) -%}
    regexp_full_match({{ text_sql }}, {{ cdp.sql_literal(pattern) }})
{%- endmacro %}

{#- A phone number in E.164 (`+14155550199`) from what a person typed, read with `region_sql` when it has no
    country code; null when it cannot be a number. Call it on distinct values only: it leaves SQL on DuckDB. -#}
{#- A number written with the international call prefix `00` (`0049 151 ...`, `001 212 ...`) is read as `+49 ...`,
    `+1 ...` when the region dials abroad with another prefix (the US dials 011): no national number starts with 00,
    so the second reading only runs on values the first one could not read. -#}
{% macro normalize_phone(raw_sql, region_sql) -%}
    {%- set international = dbt.concat(["'+'", "substr(ltrim(" ~ raw_sql ~ "), 3)"]) -%}
    coalesce(
        {{ adapter.dispatch('normalize_phone', 'cdp')(raw_sql, region_sql) }},
        case when ltrim({{ raw_sql }}) like '00%'
            then {{ adapter.dispatch('normalize_phone', 'cdp')(international, region_sql) }} end
    )
{%- endmacro %}

{#- A lookup key for a typed phone number: the text without the punctuation phonenumbers ignores (spaces,
    parentheses, dots, hyphens, slashes) when it holds nothing else but digits and a leading plus; any other text
    (letters, extensions) is its own key. `(415) 555-0199` and `415.555.0199` then share a key and are read once. -#}
{% macro phone_lookup_key(raw_sql) -%}
    {{ return(adapter.dispatch('phone_lookup_key', 'cdp')(raw_sql)) }}
{%- endmacro %}

{% macro default__phone_lookup_key(raw_sql) -%}
    {{ raw_sql }}
{%- endmacro %}

{% macro duckdb__phone_lookup_key(raw_sql) -%}
    case
        when regexp_full_match({{ raw_sql }}, '\s*\+?[0-9\s().\-/]*')
            then regexp_replace({{ raw_sql }}, '[\s().\-/]', '', 'g')
        else {{ raw_sql }}
    end
{%- endmacro %}

{#- cdp_normalize_phone is registered by connectors/warehouse/dbt_duckdb_plugin.py (phonenumbers library). -#}
{% macro duckdb__normalize_phone(raw_sql, region_sql) -%}
    cdp_normalize_phone({{ raw_sql }}, {{ region_sql }})
{%- endmacro %}

{#- The release of the library that `normalize_phone` reads numbers with, as text. -#}
{% macro phone_reader_version() -%}
    {{ return(adapter.dispatch('phone_reader_version', 'cdp')()) }}
{%- endmacro %}

{% macro duckdb__phone_reader_version() -%}
    cdp_phone_reader_version()
{%- endmacro %}

{#- The value of a column whose row is first by `order_by` within `partition_by`, as a window expression. -#}
{% macro first_in_partition(value_sql, partition_by, order_by) -%}
    {{ return(adapter.dispatch('first_in_partition', 'cdp')(value_sql, partition_by, order_by)) }}
{%- endmacro %}

{% macro default__first_in_partition(value_sql, partition_by, order_by) -%}
    first_value({{ value_sql }}) over (
        partition by {{ partition_by }} order by {{ order_by }}
        rows between unbounded preceding and unbounded following
    )
{%- endmacro %}

{#- A JSON object without the given top-level keys. -#}
{% macro json_without_keys(json_sql, keys) -%}
    {{ return(adapter.dispatch('json_without_keys', 'cdp')(json_sql, keys)) }}
{%- endmacro %}

{% macro duckdb__json_without_keys(json_sql, keys) -%}
    {#- An RFC 7396 merge patch deletes every key it sets to null. -#}
    {%- set patch = {} -%}
    {%- for key in keys -%}{%- do patch.update({key: none}) -%}{%- endfor -%}
    json_merge_patch({{ json_sql }}, {{ cdp.sql_literal(tojson(patch)) }})
{%- endmacro %}

{#- An 8-byte floating point type (dbt.type_float() is a 4-byte `float` on DuckDB). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'cdp')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    {{ dbt.type_float() }}
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}
