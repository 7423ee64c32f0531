{#- One row per product: the latest version per product_id (greatest _loaded_at, _file, _line). -#}
with

source as (
    select * from {{ source('raw', 'catalog_products') }}
),

versions as (
    select
        *,
        {{ cdp.latest_version_rank('product_id') }} as version_rank
    from source
),

final as (
    select
        trim(product_id) as product_id,
        nullif(trim(sku), '') as sku,
        title as product_name,
        nullif(trim(category), '') as category,
        price,
        upper(currency) as currency,
        vendor,
        attributes,
        source_name,
        source_label,
        _file,
        _line,
        _loaded_at
    from versions
    where version_rank = 1
)

select * from final
