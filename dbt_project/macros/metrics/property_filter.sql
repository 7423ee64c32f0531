{#-
    A configured filter on an event property as a SQL condition. The property path has been validated by
    assets/profiles/metrics_config.py and is checked again here against the same pattern, because vars can also be
    passed by hand; the value only ever reaches SQL through sql_literal (numbers as a cast literal).
-#}
{% macro property_filter_condition(properties_column, condition) -%}
    {%- set path = condition['json_path'] -%}
    {%- if not modules.re.match('^\\$\\.[A-Za-z_][A-Za-z0-9_]{0,63}(\\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,7}$', path) -%}
        {{ exceptions.raise_compiler_error("property filter: invalid property path " ~ path) }}
    {%- endif -%}
    {%- set text = cdp.json_text(properties_column, path) -%}
    {%- set operator = condition['operator'] -%}
    {%- set value = condition['value'] -%}
    {%- if operator == 'equals' -%}
        coalesce({{ cdp.property_equals(text, value) }}, false)
    {%- elif operator == 'not_equals' -%}
        not coalesce({{ cdp.property_equals(text, value) }}, false)
    {%- elif operator == 'contains' -%}
        coalesce({{ dbt.position('lower(' ~ cdp.sql_literal(value) ~ ')', 'lower(' ~ text ~ ')') }} > 0, false)
    {%- elif operator == 'greater_than' -%}
        coalesce({{ cdp.text_to_number(text) }} > {{ cdp.number_literal(value) }}, false)
    {%- elif operator == 'less_than' -%}
        coalesce({{ cdp.text_to_number(text) }} < {{ cdp.number_literal(value) }}, false)
    {%- elif operator == 'is_set' -%}
        coalesce(trim({{ text }}) <> '', false)
    {%- elif operator == 'is_not_set' -%}
        not coalesce(trim({{ text }}) <> '', false)
    {%- else -%}
        {{ exceptions.raise_compiler_error("property filter: unknown operator " ~ operator) }}
    {%- endif -%}
{%- endmacro %}

{#- Equality by the configured value's type: booleans as true/false text, numbers numerically, text exactly. -#}
{% macro property_equals(text, value) -%}
    {%- if value is sameas true or value is sameas false -%}
        lower(trim({{ text }})) = {{ cdp.sql_literal('true' if value else 'false') }}
    {%- elif value is number -%}
        {{ cdp.text_to_number(text) }} = {{ cdp.number_literal(value) }}
    {%- else -%}
        {{ text }} = {{ cdp.sql_literal(value) }}
    {%- endif -%}
{%- endmacro %}

{#- All of `conditions` as one SQL condition (`true` when there are none). -#}
{% macro property_filters_condition(properties_column, conditions) -%}
    {%- for condition in conditions -%}
        ({{ cdp.property_filter_condition(properties_column, condition) }}){{ " and " if not loop.last }}
    {%- else -%}
        true
    {%- endfor -%}
{%- endmacro %}

{#- A configured number as SQL: its text through sql_literal, cast, so even a hand-passed var cannot inject. -#}
{% macro number_literal(value) -%}
    {%- if value is none or value is sameas true or value is sameas false or value is not number -%}
        {{ exceptions.raise_compiler_error("property filter: expected a number, got " ~ value) }}
    {%- endif -%}
    cast({{ cdp.sql_literal(value) }} as {{ cdp.type_double() }})
{%- endmacro %}
