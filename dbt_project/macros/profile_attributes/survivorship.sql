{#-
    Survivorship: one value per profile from the records that carry one, chosen by the configured rule, inside one
    group-by. Null never wins. The records come numbered: `record_order` counts a profile's records from 1 by time,
    equal times by record_key (see `survivorship_record_order`), so a re-run picks the same value, and each pick
    compares one integer rather than a (time, record_key) struct whose string keys made the group-by spill.
-#}
{% macro survived_attribute(value_expression, attribute) -%}
    {%- set rule = attribute.get('rule', 'most_recent') -%}
    {%- if rule == 'most_recent' -%}
        {{ cdp.latest_non_blank(value_expression, 'record_order') }}
    {%- elif rule == 'first_seen' -%}
        {{ cdp.earliest_non_blank(value_expression, 'record_order') }}
    {%- elif rule == 'source_priority' -%}
        {#- A profile never has 2^32 records, so the priority rank outweighs any record_order. -#}
        {{ cdp.latest_non_blank(
            value_expression,
            cdp.source_priority_rank(attribute['sources']) ~ ' * 4294967296 + record_order'
        ) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("survivorship: unknown rule " ~ rule ~ " for " ~ attribute['name']) }}
    {%- endif -%}
{%- endmacro %}

{#- A profile's records numbered from 1, oldest first, equal times by record_key: the order every rule picks by. -#}
{% macro survivorship_record_order() -%}
    row_number() over (
        partition by profile_id
        order by observed_at nulls first, record_key
    )
{%- endmacro %}

{#- Larger is more trusted: the first listed source gets the highest rank, unlisted sources rank 0. -#}
{% macro source_priority_rank(sources) -%}
    case source_label
    {%- for source in sources %} when {{ cdp.sql_literal(source) }} then {{ sources | length - loop.index0 }}{% endfor %}
    else 0 end
{%- endmacro %}

{#- The value on the row with the largest `order_key` (an integer expression) among rows where the value is not blank. -#}
{% macro latest_non_blank(value_expression, order_key) -%}
    {{ adapter.dispatch('pick_non_blank', 'cdp')(value_expression, order_key, 'max') }}
{%- endmacro %}

{% macro earliest_non_blank(value_expression, order_key) -%}
    {{ adapter.dispatch('pick_non_blank', 'cdp')(value_expression, order_key, 'min') }}
{%- endmacro %}

{#-
    DuckDB's arg_max / arg_min skip rows whose value is null, so no FILTER clause is needed: measured on 3 million
    records, a per-aggregate FILTER made the group-by about twice as slow. Blanks must therefore arrive as null
    (int_profile_records nulls blank attributes; custom properties are nulled in the model).
-#}
{% macro duckdb__pick_non_blank(value_expression, order_key, direction) -%}
    arg_{{ direction }}({{ value_expression }}, {{ order_key }})
{%- endmacro %}

{% macro default__pick_non_blank(value_expression, order_key, direction) -%}
    {{ exceptions.raise_compiler_error("survivorship has no implementation for adapter " ~ target.type ~ " yet") }}
{%- endmacro %}
