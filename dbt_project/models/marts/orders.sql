{#- One row per order of every store and the POS, one shape: totals, refunds, cancellation, profile.
    A cancelled order (Shopify's `Cancelled at`, or a cancelled or voided status) is worth nothing: its net_total
    is 0 whatever was refunded, since a voided payment was never captured and a cancellation refunds the rest;
    any other order is worth its total less its refunds. updated_at is the latest time the source records for the
    order, never the load time: a refund carries no date in these exports, and its event takes this time. -#}
{%- set is_cancelled -%}
    (all_orders.cancelled_at is not null or coalesce(all_orders.status in ('cancelled', 'canceled', 'voided'), false))
{%- endset %}
with

shopify_lines as (
    select * from {{ ref('stg_shopify__order_lines') }}
),

store_lines as (
    select * from {{ ref('stg_stores__order_lines') }}
),

observation_profiles as (
    select * from {{ ref('int_identity_observation_profiles') }}
),

shopify_orders as (
    select
        {{ dbt.concat(["source_name", "':order:'", "order_name"]) }} as order_key,
        coalesce(max(shopify_order_id), order_name) as order_id,
        order_name,
        max(case when is_pos then 'pos' else 'web' end) as source,
        source_name,
        max(source_label) as source_label,
        min(ordered_at) as ordered_at,
        max(paid_at) as paid_at,
        max(fulfilled_at) as fulfilled_at,
        max(case when cancelled_at is not null then 'cancelled' else financial_status end) as status,
        max(currency) as currency,
        max(order_total) as total,
        max(refunded_amount) as refunded_amount,
        max(cancelled_at) as cancelled_at,
        max(case when is_pos then 1 else 0 end) = 1 as is_pos,
        max(case when is_subscription then 1 else 0 end) = 1 as is_subscription,
        max(tags) as tags,
        max(discount_code) as discount_code,
        sum(coalesce(quantity, 0)) as item_count,
        max(_loaded_at) as _loaded_at,
        min(_file) as _file,
        min(_line) as _line
    from shopify_lines
    group by source_name, order_name
),

store_orders as (
    select
        {{ dbt.concat(["source_name", "':order:'", "order_id"]) }} as order_key,
        order_id,
        max(order_number) as order_name,
        max(source_label) as source,
        source_name,
        max(source_label) as source_label,
        min(ordered_at) as ordered_at,
        cast(null as timestamp with time zone) as paid_at,
        cast(null as timestamp with time zone) as fulfilled_at,
        max(status) as status,
        max(currency) as currency,
        max(order_total) as total,
        max(refunded_amount) as refunded_amount,
        cast(null as timestamp with time zone) as cancelled_at,
        false as is_pos,
        false as is_subscription,
        cast(null as varchar) as tags,
        cast(null as varchar) as discount_code,
        -- an order from a file of one row per order has no line items: how many units it held is unknown
        case when {{ dbt.bool_or('has_line_item') }} then sum(coalesce(quantity, 0)) end as item_count,
        max(_loaded_at) as _loaded_at,
        min(_file) as _file,
        min(_line) as _line
    from store_lines
    group by source_name, order_id
),

all_orders as (
    select * from shopify_orders
    union all
    select * from store_orders
),

final as (
    select
        all_orders.order_key,
        all_orders.order_id,
        all_orders.order_name,
        all_orders.source,
        all_orders.source_name,
        all_orders.source_label,
        observation_profiles.profile_id,
        all_orders.ordered_at,
        all_orders.status,
        all_orders.currency,
        cast(coalesce(all_orders.total, 0) as decimal(18, 2)) as total,
        cast(
            case when {{ is_cancelled }} then 0
                else coalesce(all_orders.total, 0) - coalesce(all_orders.refunded_amount, 0)
            end as decimal(18, 2)
        ) as net_total,
        cast(coalesce(all_orders.refunded_amount, 0) as decimal(18, 2)) as refunded_amount,
        {{ is_cancelled }} as is_cancelled,
        all_orders.is_pos,
        all_orders.is_subscription,
        coalesce(all_orders.total, 0) = 0 as is_zero_value,
        cast(all_orders.item_count as integer) as item_count,
        all_orders.tags,
        all_orders.discount_code,
        all_orders.paid_at,
        all_orders.fulfilled_at,
        all_orders.cancelled_at,
        -- greatest() is null when any argument is in some warehouses (Snowflake, BigQuery): hence the coalesces.
        greatest(
            all_orders.ordered_at,
            coalesce(all_orders.paid_at, all_orders.ordered_at),
            coalesce(all_orders.fulfilled_at, all_orders.ordered_at),
            coalesce(all_orders.cancelled_at, all_orders.ordered_at)
        ) as updated_at,
        all_orders._file,
        all_orders._line,
        all_orders._loaded_at
    from all_orders
    left join observation_profiles on all_orders.order_key = observation_profiles.observation_key
)

select * from final
