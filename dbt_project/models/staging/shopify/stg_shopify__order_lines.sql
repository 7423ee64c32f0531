{#- One row per Shopify order line (web and POS): the latest version per (name, lineitem_index), with the
    order-level fields Shopify writes on the first line of an order filled onto every line of it.
    A table, unlike the other staging models: five models read it, and its windows are too costly to repeat.
    Shopify's export writes zips, phones and SKUs that could pass for numbers with a leading apostrophe (`'75008`,
    `'+33 1 42 68 53 00`) so that a spreadsheet keeps their zeros; the apostrophe is no part of the value and goes. -#}
{{ config(materialized='table') }}
{%- set order_fields = [
    'email', 'financial_status', 'paid_at', 'fulfillment_status', 'fulfilled_at', 'accepts_marketing', 'currency',
    'subtotal', 'shipping', 'taxes', 'total', 'discount_code', 'discount_amount', 'shipping_method', 'created_at',
    'billing_name', 'billing_street', 'billing_address1', 'billing_address2', 'billing_company', 'billing_city',
    'billing_zip', 'billing_province', 'billing_country', 'billing_phone', 'shipping_name', 'shipping_city',
    'shipping_zip', 'shipping_province', 'shipping_country', 'shipping_phone', 'notes', 'note_attributes',
    'cancelled_at', 'payment_method', 'refunded_amount', 'outstanding_balance', 'employee', 'location', 'id',
    'tags', 'risk_level', 'source', 'phone',
] -%}
with

source as (
    select * from {{ source('raw', 'shopify_order_lines') }}
),

versions as (
    select
        *,
        {{ cdp.latest_version_rank('source_name, name, lineitem_index') }} as version_rank
    from source
),

latest_lines as (
    select * from versions
    where version_rank = 1
),

filled as (
    select
        latest_lines.*,
        {%- for field in order_fields %}
        coalesce(
            {{ cdp.first_in_partition(field, 'source_name, name', 'lineitem_index') }}, {{ field }}
        ) as order_{{ field }}{{ "," if not loop.last }}
        {%- endfor %}
    from latest_lines
),

final as (
    select
        name as order_name,
        cast(order_id as varchar) as shopify_order_id,
        lineitem_index as line_index,
        {{ cdp.regex_extract('order_note_attributes', 'customer_id:\\s*([A-Za-z0-9_\\-]+)') }}
            as shopify_customer_id,
        lower(trim(order_email)) as email,
        nullif(trim(ltrim(trim(coalesce(order_phone, order_billing_phone, order_shipping_phone)), '''')), '')
            as phone_raw,
        coalesce(
            case when length(trim(order_billing_country)) = 2 then upper(trim(order_billing_country)) end,
            {{ cdp.default_phone_region('source_name') }}
        ) as phone_region,
        nullif(trim(order_billing_name), '') as billing_name,
        nullif(trim(coalesce(order_billing_address1, order_billing_street)), '') as billing_street,
        nullif(trim(order_billing_city), '') as billing_city,
        nullif(trim(order_billing_province), '') as billing_state,
        nullif(trim(ltrim(trim(order_billing_zip), '''')), '') as billing_postal_code,
        nullif(trim(order_billing_country), '') as billing_country,
        order_created_at as ordered_at,
        order_paid_at as paid_at,
        order_fulfilled_at as fulfilled_at,
        order_cancelled_at as cancelled_at,
        lower(order_financial_status) as financial_status,
        lower(order_fulfillment_status) as fulfillment_status,
        upper(order_currency) as currency,
        order_subtotal as subtotal,
        order_shipping as shipping_amount,
        order_taxes as tax_amount,
        order_total,
        nullif(trim(order_discount_code), '') as discount_code,
        order_discount_amount as discount_amount,
        coalesce(order_refunded_amount, 0) as refunded_amount,
        order_tags as tags,
        lower(coalesce(order_source, 'web')) as order_source,
        lower(coalesce(order_source, '')) = 'pos' as is_pos,
        lower(coalesce(order_tags, '')) like '%subscription%' as is_subscription,
        order_location as pos_location,
        lineitem_name as product_name,
        nullif(trim(ltrim(trim(lineitem_sku), '''')), '') as sku,
        lineitem_quantity as quantity,
        lineitem_price as price,
        coalesce(lineitem_discount, 0) as line_discount,
        lineitem_fulfillment_status as line_fulfillment_status,
        vendor,
        source_name,
        case when lower(coalesce(order_source, '')) = 'pos' then 'pos' else source_label end as source_label,
        _file,
        _line,
        _loaded_at,
        _row_hash
    from filled
)

select * from final
