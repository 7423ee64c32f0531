{#-
    Per profile and replenishable product it bought (analytics.product_repeat_timing is_replenishable): when the
    next purchase is expected, the last purchase day of the product plus the product's median repeat days, rounded
    to the nearest day. As of the UTC day of the newest order in marts.orders: days_until_expected is negative and
    is_overdue true once that day has passed. Purchases are the order lines of orders not cancelled
    (macro cdp.catalog_order_lines), one per UTC day.
-#}
with

kept_lines as (
    {{ cdp.catalog_order_lines() }}
),

replenishable as (
    select
        product_id,
        product_name,
        median_days,
        cast(round(median_days) as integer) as expected_gap_days
    from {{ ref('product_repeat_timing') }}
    where is_replenishable
),

as_of as (
    select {{ cdp.utc_date('max(ordered_at)') }} as as_of_date
    from {{ ref('orders') }}
),

customer_purchases as (
    select
        kept_lines.profile_id,
        kept_lines.product_id,
        replenishable.product_name,
        replenishable.median_days,
        replenishable.expected_gap_days,
        count(distinct kept_lines.ordered_date) as purchase_days,
        max(kept_lines.ordered_date) as last_purchase_date
    from kept_lines
    inner join replenishable on kept_lines.product_id = replenishable.product_id
    group by
        kept_lines.profile_id,
        kept_lines.product_id,
        replenishable.product_name,
        replenishable.median_days,
        replenishable.expected_gap_days
),

expected as (
    select
        customer_purchases.profile_id,
        customer_purchases.product_id,
        customer_purchases.product_name,
        customer_purchases.purchase_days,
        customer_purchases.last_purchase_date,
        customer_purchases.median_days,
        cast({{ dbt.dateadd('day', 'customer_purchases.expected_gap_days', 'customer_purchases.last_purchase_date') }}
            as date) as expected_next_purchase_date,
        as_of.as_of_date
    from customer_purchases
    cross join as_of
),

final as (
    select
        profile_id,
        product_id,
        product_name,
        purchase_days,
        last_purchase_date,
        median_days,
        expected_next_purchase_date,
        as_of_date,
        cast(
            {{ dbt.datediff('as_of_date', 'expected_next_purchase_date', 'day') }}
            as integer
        ) as days_until_expected,
        expected_next_purchase_date < as_of_date as is_overdue
    from expected
)

select * from final
