{#-
    The order lines every catalog figure counts, one row per line: lines of orders not cancelled (marts.orders
    is_cancelled) that name a product. A line without product_id (an unknown SKU) counts in no product figure and
    is left out here; an order from a file without line items has no line in marts.order_lines at all. Refunds are
    per order in the exports and cannot be split per line, so a refunded order counts whole, at its line totals.
    Columns: order_key, profile_id, ordered_at, ordered_date (UTC), product_id, quantity, line_total, currency.
-#}
{% macro catalog_order_lines() -%}
    select
        order_lines.order_key,
        order_lines.profile_id,
        order_lines.ordered_at,
        {{ cdp.utc_date('order_lines.ordered_at') }} as ordered_date,
        order_lines.product_id,
        order_lines.quantity,
        order_lines.line_total,
        orders.currency
    from {{ ref('order_lines') }} as order_lines
    inner join {{ ref('orders') }} as orders on order_lines.order_key = orders.order_key
    where
        order_lines.product_id is not null
        and not coalesce(orders.is_cancelled, false)
{%- endmacro %}

{#-
    One row per product that has a line in marts.order_lines: its name and category from the catalog
    (marts.products), else the greatest name and category its lines carry (a product missing from the catalog).
    Columns: product_id, product_name, category.
-#}
{% macro catalog_product_names() -%}
    select
        line_products.product_id,
        coalesce(products.product_name, line_products.product_name) as product_name,
        coalesce(products.category, line_products.category) as category
    from (
        select
            product_id,
            max(product_name) as product_name,
            max(category) as category
        from {{ ref('order_lines') }}
        where product_id is not null
        group by product_id
    ) as line_products
    left join {{ ref('products') }} as products on line_products.product_id = products.product_id
{%- endmacro %}

{#- The figures of product_performance over `lines` (rows of cdp.catalog_order_lines), for any grain: orders,
    units, revenue, customers, currencies, first and last order time. -#}
{% macro catalog_line_figures(lines) -%}
        count(distinct {{ lines }}.order_key) as orders,
        sum({{ lines }}.quantity) as units,
        sum({{ lines }}.line_total) as revenue,
        count(distinct {{ lines }}.profile_id) as customers,
        count(distinct {{ lines }}.currency) as currency_count,
        min({{ lines }}.ordered_at) as first_ordered_at,
        max({{ lines }}.ordered_at) as last_ordered_at
{%- endmacro %}
