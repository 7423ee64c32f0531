{#-
    Orders, units, revenue and customers per product (grain 'product') and per category (grain 'category'), over
    the order lines of orders not cancelled that name a product (macro cdp.catalog_order_lines). A category row
    counts each order and customer once, however many of the category's products they bought.
-#}
with

kept_lines as (
    {{ cdp.catalog_order_lines() }}
),

product_names as (
    {{ cdp.catalog_product_names() }}
),

named_lines as (
    select
        kept_lines.order_key,
        kept_lines.profile_id,
        kept_lines.ordered_at,
        kept_lines.product_id,
        kept_lines.quantity,
        kept_lines.line_total,
        kept_lines.currency,
        product_names.category
    from kept_lines
    inner join product_names on kept_lines.product_id = product_names.product_id
),

-- One pass over the lines for both grains; grouping() tells a category total from a product row.
totals as (
    select
        product_id,
        category,
        grouping(product_id) as is_category_total,
        count(distinct order_key) as orders,
        sum(quantity) as units,
        sum(line_total) as revenue,
        count(distinct profile_id) as customers,
        count(distinct currency) as currency_count,
        min(ordered_at) as first_ordered_at,
        max(ordered_at) as last_ordered_at
    from named_lines
    group by grouping sets ((product_id, category), (category))
),

final as (
    select
        case when totals.is_category_total = 1 then 'category' else 'product' end as grain,
        totals.product_id,
        product_names.product_name,
        totals.category,
        totals.orders,
        cast(coalesce(totals.units, 0) as bigint) as units,
        cast(coalesce(totals.revenue, 0) as decimal(18, 2)) as revenue,
        totals.customers,
        totals.currency_count,
        totals.first_ordered_at,
        totals.last_ordered_at
    from totals
    left join product_names on totals.product_id = product_names.product_id
)

select * from final
