{#-
    Transformations: each configured one becomes a SQL expression over the survived columns, written as a new
    column named after the transformation. Values are compared and replaced only through sql_literal.
-#}
{% macro transformed_property(transformation) -%}
    {%- set kind = transformation['kind'] -%}
    {%- if kind == 'format' -%}
        {{ cdp.format_property(transformation) }}
    {%- elif kind == 'standardize' -%}
        {{ cdp.standardize_property(transformation) }}
    {%- elif kind == 'merge' -%}
        {{ cdp.merge_properties(transformation) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("transformation " ~ transformation['name'] ~ ": unknown kind " ~ kind) }}
    {%- endif -%}
{%- endmacro %}

{% macro format_property(transformation) -%}
    {%- set value = cdp.property_column(transformation['source']) -%}
    {%- if transformation.get('trim') -%}{%- set value = 'trim(' ~ value ~ ')' -%}{%- endif -%}
    {%- set case = transformation.get('case') -%}
    {%- if transformation.get('date_formats') -%}
        {{ cdp.parse_date('trim(' ~ value ~ ')', transformation['date_formats']) }}
    {%- elif transformation.get('phone_format') -%}
        {{ cdp.format_phone(value, transformation['phone_format']) }}
    {%- elif case == 'upper' -%}
        upper({{ value }})
    {%- elif case == 'lower' -%}
        lower({{ value }})
    {%- elif case == 'title' -%}
        {{ cdp.title_case(value) }}
    {%- else -%}
        {{ value }}
    {%- endif -%}
{%- endmacro %}

{#- Replaced when the value, lower-cased with whitespace collapsed and trimmed, is one of a rule's values. -#}
{% macro standardize_property(transformation) -%}
    {%- set value = cdp.property_column(transformation['source']) -%}
    {%- set normalized = cdp.normalize_for_match(value) -%}
    case
    {%- for rule in transformation['rules'] %}
        when {{ normalized }} in {{ cdp.sql_literal_list(rule['values']) }} then {{ cdp.sql_literal(rule['replacement']) }}
    {%- endfor %}
        else {{ value }}
    end
{%- endmacro %}

{#- First non-blank source, or every non-blank source joined with the separator (null when all are blank). -#}
{% macro merge_properties(transformation) -%}
    {%- set values = [] -%}
    {%- for source in transformation['sources'] -%}
        {%- do values.append("nullif(trim(" ~ cdp.property_column(source) ~ "), '')") -%}
    {%- endfor -%}
    {%- if transformation.get('separator') is none -%}
        coalesce({{ values | join(', ') }})
    {%- else -%}
        {{ adapter.dispatch('join_non_null', 'cdp')(values, transformation['separator']) }}
    {%- endif -%}
{%- endmacro %}

{#- A survived column by property name; names were validated as lower-case identifiers, checked again here. -#}
{% macro property_column(name) -%}
    {%- if not modules.re.match('^[a-z_][a-z0-9_]{0,62}$', name) -%}
        {{ exceptions.raise_compiler_error("invalid property name " ~ name) }}
    {%- endif -%}
    {{ adapter.quote(name) }}
{%- endmacro %}

{% macro duckdb__join_non_null(values, separator) -%}
    nullif(concat_ws({{ cdp.sql_literal(separator) }}, {{ values | join(', ') }}), '')
{%- endmacro %}

{% macro normalize_for_match(value) -%}
    {{ adapter.dispatch('normalize_for_match', 'cdp')(value) }}
{%- endmacro %}
{% macro default__normalize_for_match(value) -%}
    lower(trim(regexp_replace({{ value }}, '\s+', ' ', 'g')))
{%- endmacro %}

{#- Words split on spaces and hyphens, each with its first letter upper-cased and the rest lower-cased. -#}
{% macro title_case(value) -%}
    {{ adapter.dispatch('title_case', 'cdp')(value) }}
{%- endmacro %}
{% macro duckdb__title_case(value) -%}
    array_to_string(list_transform(string_split(lower({{ value }}), ' '), lambda word: array_to_string(
        list_transform(string_split(word, '-'), lambda part: upper(left(part, 1)) || substr(part, 2)), '-')), ' ')
{%- endmacro %}
{% macro default__title_case(value) -%}
    initcap({{ value }})
{%- endmacro %}

{#- The first of `formats` that parses the whole text, as a date; null when none does. -#}
{% macro parse_date(value, formats) -%}
    {{ adapter.dispatch('parse_date', 'cdp')(value, formats) }}
{%- endmacro %}
{% macro duckdb__parse_date(value, formats) -%}
    cast(try_strptime({{ value }}, [{%- for fmt in formats -%}{{ cdp.sql_literal(fmt) }}{{ ", " if not loop.last }}{%- endfor -%}]) as date)
{%- endmacro %}
{% macro default__parse_date(value, formats) -%}
    coalesce({%- for fmt in formats -%}try_to_date({{ value }}, {{ cdp.sql_literal(fmt) }}){{ ", " if not loop.last }}{%- endfor -%})
{%- endmacro %}

{#-
    Phone display from E.164. Country-specific grouping cannot be done exactly in SQL, so international and national
    call the UDF cdp_format_phone (phonenumbers), registered by connectors/warehouse/dbt_duckdb_plugin.py.
-#}
{% macro format_phone(value, style) -%}
    {%- if style == 'e164' -%}
        {{ value }}
    {%- elif style in ('international', 'national') -%}
        cdp_format_phone({{ value }}, {{ cdp.sql_literal(style) }})
    {%- else -%}
        {{ exceptions.raise_compiler_error("format_phone: unknown style " ~ style) }}
    {%- endif -%}
{%- endmacro %}
