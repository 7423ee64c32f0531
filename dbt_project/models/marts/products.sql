{#- One row per product of the catalog (latest version). -#}
with

products as (
    select * from {{ ref('stg_catalog__products') }}
),

final as (
    select
        product_id,
        sku,
        product_name,
        category,
        cast(price as decimal(18, 2)) as price,
        currency,
        vendor,
        attributes,
        source_name,
        _file,
        _line,
        _loaded_at
    from products
)

select * from final
