{#- One row per order line of the non-Shopify stores: the latest version per (source_name, order_id, line_id).
    A customer id of '0' is WooCommerce's guest checkout: no customer. A row of a file with one row per order (no
    line id mapped: ingest gives it the order id as line id) names no product, quantity or line total: it is the
    order alone, has_line_item false, counted in the order's figures and in no product figure. -#}
with

source as (
    select * from {{ source('raw', 'store_order_lines') }}
),

versions as (
    select
        *,
        {{ cdp.latest_version_rank('source_name, order_id, line_id') }} as version_rank
    from source
),

final as (
    select
        trim(order_id) as order_id,
        order_number,
        trim(line_id) as line_id,
        case when trim(customer_id) not in ('', '0') then trim(customer_id) end as store_customer_id,
        lower(trim(email)) as email,
        nullif(trim(phone), '') as phone_raw,
        {{ cdp.default_phone_region('source_name') }} as phone_region,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(last_name), '') as last_name,
        ordered_at,
        lower(trim(status)) as status,
        nullif(trim(product_id), '') as product_id,
        nullif(trim(sku), '') as sku,
        product_name,
        quantity,
        line_total,
        coalesce(
            nullif(trim(product_id), '') is not null
            or nullif(trim(sku), '') is not null
            or nullif(trim(product_name), '') is not null
            or quantity is not null
            or line_total is not null,
            false
        ) as has_line_item,
        order_total,
        upper(currency) as currency,
        coalesce(refund_total, 0) as refunded_amount,
        source_name,
        source_label,
        _file,
        _line,
        _loaded_at,
        _row_hash
    from versions
    where version_rank = 1
)

select * from final
