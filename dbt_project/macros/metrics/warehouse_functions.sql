{#- Dialect-specific expressions of the metric and profile models (json_text, json_object: cross_database.sql). -#}

{#- Text to a double, null when it is not a number. -#}
{% macro text_to_number(text) -%}
    {{ adapter.dispatch('text_to_number', 'cdp')(text) }}
{%- endmacro %}
{% macro default__text_to_number(text) -%}
    try_cast({{ text }} as {{ cdp.type_double() }})
{%- endmacro %}
{% macro bigquery__text_to_number(text) -%}
    safe_cast({{ text }} as float64)
{%- endmacro %}

{#- The UTC calendar date of a timestamptz, whatever the session time zone. -#}
{% macro utc_date(timestamp_expression) -%}
    {{ adapter.dispatch('utc_date', 'cdp')(timestamp_expression) }}
{%- endmacro %}
{% macro default__utc_date(timestamp_expression) -%}
    cast(timezone('UTC', {{ timestamp_expression }}) as date)
{%- endmacro %}
{% macro snowflake__utc_date(timestamp_expression) -%}
    cast(convert_timezone('UTC', {{ timestamp_expression }}) as date)
{%- endmacro %}
{% macro bigquery__utc_date(timestamp_expression) -%}
    date({{ timestamp_expression }}, 'UTC')
{%- endmacro %}

{#- One row per day from `start_date` to `end_date` (both included), as column `metric_date`. -#}
{% macro day_series(start_date, end_date) -%}
    {{ adapter.dispatch('day_series', 'cdp')(start_date, end_date) }}
{%- endmacro %}
{% macro default__day_series(start_date, end_date) -%}
    select cast(day_start as date) as metric_date
    from generate_series(cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval 1 day)
        as days(day_start)
{%- endmacro %}
