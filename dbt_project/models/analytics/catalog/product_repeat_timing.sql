{#-
    Per product bought again: how many days pass from one purchase of it to the same customer's next purchase of
    it. A customer's purchases of a product are the UTC days on which they ordered it (two orders on one day are
    one purchase); every gap between consecutive purchase days counts, since every purchase starts a post-purchase
    flow. Quartiles are continuous (macro cdp.percentile_cont: linear interpolation). A product is replenishable
    when at least `replenishable_min_repeat_customers` (var cdp_catalog) customers bought it on two or more days.
-#}
{%- set min_repeat_customers = cdp.catalog_setting('replenishable_min_repeat_customers') %}
with

kept_lines as (
    {{ cdp.catalog_order_lines() }}
),

product_names as (
    {{ cdp.catalog_product_names() }}
),

purchase_days as (
    select distinct
        profile_id,
        product_id,
        ordered_date
    from kept_lines
),

gaps as (
    select
        profile_id,
        product_id,
        {{ dbt.datediff(
            'lag(ordered_date) over (partition by profile_id, product_id order by ordered_date)',
            'ordered_date',
            'day'
        ) }} as gap_days
    from purchase_days
),

timing as (
    select
        product_id,
        count(distinct profile_id) as customers,
        count(distinct case when gap_days is not null then profile_id end) as repeat_customers,
        count(gap_days) as repeat_gaps,
        min(gap_days) as min_days,
        {{ cdp.percentile_cont('gap_days', 0.25) }} as p25_days,
        {{ cdp.percentile_cont('gap_days', 0.5) }} as median_days,
        {{ cdp.percentile_cont('gap_days', 0.75) }} as p75_days,
        max(gap_days) as max_days
    from gaps
    group by product_id
),

final as (
    select
        timing.product_id,
        product_names.product_name,
        product_names.category,
        timing.customers,
        timing.repeat_customers,
        cast(timing.repeat_customers as {{ cdp.type_double() }}) / timing.customers as repeat_customer_share,
        timing.repeat_gaps,
        cast(timing.min_days as integer) as min_days,
        cast(timing.p25_days as {{ cdp.type_double() }}) as p25_days,
        cast(timing.median_days as {{ cdp.type_double() }}) as median_days,
        cast(timing.p75_days as {{ cdp.type_double() }}) as p75_days,
        cast(timing.max_days as integer) as max_days,
        timing.repeat_customers >= {{ min_repeat_customers }} as is_replenishable
    from timing
    inner join product_names on timing.product_id = product_names.product_id
    where timing.repeat_customers > 0
)

select * from final
