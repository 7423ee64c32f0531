{#- One row per order line of every store and the POS: product, quantity, price, line total, order and profile.
    An order from a file of one row per order (a legacy store, a POS export) has no row here: it has no line item,
    and a line without product would count in product figures as an unknown product with no units or amount. -#}
with

shopify_lines as (
    select * from {{ ref('stg_shopify__order_lines') }}
),

store_lines as (
    select * from {{ ref('stg_stores__order_lines') }}
),

orders as (
    select * from {{ ref('orders') }}
),

products_by_sku as (
    select
        sku,
        min(product_id) as product_id,
        min(category) as category
    from {{ ref('stg_catalog__products') }}
    where sku is not null
    group by sku
),

shopify_order_lines as (
    select
        {{ dbt.concat(["shopify_lines.source_name", "':order:'", "shopify_lines.order_name"]) }} as order_key,
        {{ dbt.concat(["shopify_lines.source_name", "':order:'", "shopify_lines.order_name", "':line:'",
            "cast(shopify_lines.line_index as varchar)"]) }} as order_line_key,
        cast(shopify_lines.line_index as varchar) as line_id,
        products_by_sku.product_id,
        shopify_lines.sku,
        shopify_lines.product_name,
        shopify_lines.quantity,
        shopify_lines.price,
        shopify_lines.price * shopify_lines.quantity - shopify_lines.line_discount as line_total,
        shopify_lines._file,
        shopify_lines._line,
        shopify_lines._loaded_at
    from shopify_lines
    left join products_by_sku on shopify_lines.sku = products_by_sku.sku
),

store_order_lines as (
    select
        {{ dbt.concat(["source_name", "':order:'", "order_id"]) }} as order_key,
        {{ dbt.concat(["source_name", "':order:'", "order_id", "':line:'", "line_id"]) }} as order_line_key,
        line_id,
        product_id,
        sku,
        product_name,
        quantity,
        case when quantity > 0 then line_total / quantity end as price,
        line_total,
        _file,
        _line,
        _loaded_at
    from store_lines
    where has_line_item
),

all_lines as (
    select * from shopify_order_lines
    union all
    select * from store_order_lines
),

final as (
    select
        all_lines.order_line_key,
        all_lines.order_key,
        orders.order_id,
        all_lines.line_id,
        orders.source,
        orders.source_name,
        orders.profile_id,
        orders.ordered_at,
        all_lines.product_id,
        all_lines.sku,
        all_lines.product_name,
        coalesce(products.category, products_by_sku.category) as category,
        cast(all_lines.quantity as integer) as quantity,
        cast(all_lines.price as decimal(18, 2)) as price,
        cast(all_lines.line_total as decimal(18, 2)) as line_total,
        all_lines._file,
        all_lines._line,
        all_lines._loaded_at
    from all_lines
    inner join orders on all_lines.order_key = orders.order_key
    left join {{ ref('stg_catalog__products') }} as products on all_lines.product_id = products.product_id
    left join products_by_sku on all_lines.sku = products_by_sku.sku
)

select * from final
