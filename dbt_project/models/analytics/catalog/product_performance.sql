{#-
    Orders, units, revenue and customers per product (grain 'product') and per category (grain 'category'), over
    the order lines of orders not cancelled that name a product (macro cdp.catalog_order_lines). A category row
    counts each order and customer once, however many of the category's products they bought.
-#}
with

product_lines as (
    {{ cdp.catalog_order_lines() }}
),

-- The lines again, named at this read (a CTE read twice would be held whole in memory).
category_lines as (
    {{ cdp.catalog_order_lines() }}
),

product_names as (
    {{ cdp.catalog_product_names() }}
),

product_totals as (
    select
        'product' as grain,
        product_lines.product_id,
        product_names.product_name,
        product_names.category,
        {{ cdp.catalog_line_figures('product_lines') }}
    from product_lines
    inner join product_names on product_lines.product_id = product_names.product_id
    group by product_lines.product_id, product_names.product_name, product_names.category
),

category_totals as (
    select
        'category' as grain,
        cast(null as varchar) as product_id,
        cast(null as varchar) as product_name,
        product_names.category,
        {{ cdp.catalog_line_figures('category_lines') }}
    from category_lines
    inner join product_names on category_lines.product_id = product_names.product_id
    group by product_names.category
),

totals as (
    select * from product_totals
    union all
    select * from category_totals
),

final as (
    select
        grain,
        product_id,
        product_name,
        category,
        orders,
        cast(coalesce(units, 0) as bigint) as units,
        cast(coalesce(revenue, 0) as decimal(18, 2)) as revenue,
        customers,
        currency_count,
        first_ordered_at,
        last_ordered_at
    from totals
)

select * from final
