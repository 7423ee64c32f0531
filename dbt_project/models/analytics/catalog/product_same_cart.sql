{#-
    Pairs of different products bought in the same order, over the orders not cancelled that hold a product
    (macro cdp.catalog_order_lines). Each pair is two rows, A -> B and B -> A, since confidence is directional:
    support = orders with both / all those orders; confidence = orders with both / orders with product_id;
    lift = confidence / support of paired_product_id (the same both ways). A pair is kept when at least
    `same_cart_min_orders` (var cdp_catalog) orders hold both. The self-join is per order; orders are small.
-#}
{%- set min_orders = cdp.catalog_setting('same_cart_min_orders') %}
with

kept_lines as (
    {{ cdp.catalog_order_lines() }}
),

product_names as (
    {{ cdp.catalog_product_names() }}
),

order_products as (
    select distinct
        order_key,
        product_id
    from kept_lines
),

product_orders as (
    select
        product_id,
        count(*) as orders_with_product
    from order_products
    group by product_id
),

all_orders as (
    select count(distinct order_key) as orders_with_products
    from order_products
),

pairs as (
    select
        order_products.product_id,
        paired.product_id as paired_product_id,
        count(*) as orders_with_both
    from order_products
    inner join order_products as paired
        on
            order_products.order_key = paired.order_key
            and order_products.product_id <> paired.product_id
    group by order_products.product_id, paired.product_id
    having count(*) >= {{ min_orders }}
),

final as (
    select
        pairs.product_id,
        product_names.product_name,
        pairs.paired_product_id,
        paired_names.product_name as paired_product_name,
        pairs.orders_with_both,
        product_orders.orders_with_product,
        paired_orders.orders_with_product as orders_with_paired_product,
        all_orders.orders_with_products,
        cast(pairs.orders_with_both as {{ cdp.type_double() }}) / all_orders.orders_with_products as support,
        cast(pairs.orders_with_both as {{ cdp.type_double() }}) / product_orders.orders_with_product as confidence,
        cast(pairs.orders_with_both as {{ cdp.type_double() }}) * all_orders.orders_with_products
        / (cast(product_orders.orders_with_product as {{ cdp.type_double() }}) * paired_orders.orders_with_product)
            as lift
    from pairs
    cross join all_orders
    inner join product_orders on pairs.product_id = product_orders.product_id
    inner join product_orders as paired_orders on pairs.paired_product_id = paired_orders.product_id
    inner join product_names on pairs.product_id = product_names.product_id
    inner join product_names as paired_names on pairs.paired_product_id = paired_names.product_id
)

select * from final
