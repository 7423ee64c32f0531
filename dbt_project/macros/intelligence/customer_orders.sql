{#-
    The orders of an order metric, one row per order or metric event: profile_id, ordered_at (UTC timestamp) and
    order_value. 'Placed Order (net)' (assets/intelligence/order_metric.py) is marts.orders at net_total, without
    orders worth nothing (a $0, cancelled or fully refunded order); any other name is that custom metric of
    marts.metric_events, at its event value. Both refs are taken whatever the metric, so dbt orders the models the
    same for every configuration.
-#}
{% macro customer_orders(order_metric) -%}
    {%- set orders = ref('orders') -%}
    {%- set metric_events = ref('metric_events') -%}
    {%- if order_metric == 'Placed Order (net)' -%}
    select
        profile_id,
        ordered_at,
        cast(net_total as {{ cdp.type_double() }}) as order_value
    from {{ orders }}
    where net_total > 0
    {%- else -%}
    select
        profile_id,
        event_at as ordered_at,
        coalesce(value, 0) as order_value
    from {{ metric_events }}
    where metric_name = {{ cdp.sql_literal(order_metric) }}
    {%- endif -%}
{%- endmacro %}
