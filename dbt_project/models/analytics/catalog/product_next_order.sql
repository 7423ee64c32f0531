{#-
    After an order holding product X, what the same customer's next order holds. Orders are the orders not
    cancelled that hold a product (macro cdp.catalog_order_lines); a profile's orders are numbered by time with
    dense_rank, so orders placed at the same moment share a number: neither is the other's next order, both are
    followed by the orders of the next moment, whose products count together, once per order with X.
    share = orders with X whose next order holds Y / orders with X that were followed by a next order. A row is
    kept when at least `next_order_min_orders` (var cdp_catalog) orders with X were followed by Y.
-#}
{%- set min_orders = cdp.catalog_setting('next_order_min_orders') %}
with

kept_lines as (
    {{ cdp.catalog_order_lines() }}
),

product_names as (
    {{ cdp.catalog_product_names() }}
),

-- One row per order and product; a window over the profile's orders instead of a lookup per customer.
order_products as (
    select
        order_key,
        profile_id,
        product_id,
        dense_rank() over (partition by profile_id order by ordered_at) as order_number,
        max(ordered_at) over (partition by profile_id) as last_ordered_at,
        ordered_at
    from (
        select distinct
            order_key,
            profile_id,
            ordered_at,
            product_id
        from kept_lines
    ) as distinct_order_products
),

next_moment_products as (
    select distinct
        profile_id,
        order_number,
        product_id
    from order_products
),

product_totals as (
    select
        product_id,
        count(*) as orders_with_product,
        sum(case when ordered_at < last_ordered_at then 1 else 0 end) as orders_followed
    from order_products
    group by product_id
),

-- Every (order with X, product of its next order): rows are distinct, so count(*) counts orders with X.
pairs as (
    select
        order_products.product_id,
        next_moment_products.product_id as next_product_id,
        count(*) as next_orders_with_product
    from order_products
    inner join next_moment_products
        on
            order_products.profile_id = next_moment_products.profile_id
            and next_moment_products.order_number = order_products.order_number + 1
    group by order_products.product_id, next_moment_products.product_id
    having count(*) >= {{ min_orders }}
),

final as (
    select
        pairs.product_id,
        product_names.product_name,
        pairs.next_product_id,
        next_names.product_name as next_product_name,
        pairs.product_id = pairs.next_product_id as is_same_product,
        product_totals.orders_with_product,
        cast(product_totals.orders_followed as bigint) as orders_followed,
        pairs.next_orders_with_product,
        cast(pairs.next_orders_with_product as {{ cdp.type_double() }}) / product_totals.orders_followed as share
    from pairs
    inner join product_totals on pairs.product_id = product_totals.product_id
    inner join product_names on pairs.product_id = product_names.product_id
    inner join product_names as next_names on pairs.next_product_id = next_names.product_id
)

select * from final
