{#-
    One row per customer and change day: the customer's frequency and monetary value and last order day from that
    day (included) to the next change day (excluded), the base every snapshot of the RFM models is read from.

    Cost: nothing here joins orders to snapshots. A day with orders adds them and, with a lookback window, the day
    they leave it takes them off again; running sums over those days give the figures, so a snapshot is placed in one
    span per customer by a range join (rfm_snapshots, customer_rfm): customers x snapshots rows, never customers x
    orders x snapshots. Fails, naming them, when the store is below config/rfm.yaml minimums (cdp.rfm_check_minimums).
-#}
{%- set rfm = cdp.rfm_settings() -%}
{{- cdp.rfm_check_minimums(rfm) -}}

with

metric_orders as (
    {{ cdp.customer_orders(rfm.order_metric) }}
),

order_days as (
    select
        profile_id,
        {{ cdp.utc_date('ordered_at') }} as order_date,
        count(*) as orders,
        sum(order_value) as order_value
    from metric_orders
    where profile_id is not null
    group by profile_id, {{ cdp.utc_date('ordered_at') }}
),

history as (
    select max(order_date) as as_of_date
    from order_days
),

order_changes as (
    select
        profile_id,
        order_date as change_date,
        orders as order_change,
        order_value as value_change,
        order_date as last_order_date
    from order_days
    {%- if rfm.lookback_days is not none %}
    union all
    -- The orders of a day count for `lookback_days` snapshot days, that day included, then leave the window.
    select
        profile_id,
        cast({{ dbt.dateadd('day', rfm.lookback_days, 'order_date') }} as date) as change_date,
        -orders as order_change,
        -order_value as value_change,
        null as last_order_date
    from order_days
    {%- endif %}
),

change_days as (
    select
        order_changes.profile_id,
        order_changes.change_date,
        sum(order_changes.order_change) as order_change,
        sum(order_changes.value_change) as value_change,
        max(order_changes.last_order_date) as last_order_date
    from order_changes
    cross join history
    where order_changes.change_date <= history.as_of_date
    group by order_changes.profile_id, order_changes.change_date
),

-- A customer's figures from one change day (included) to the next (excluded), or past the as-of date.
customer_spans as (
    select
        change_days.profile_id,
        change_days.change_date as valid_from,
        coalesce(
            lead(change_days.change_date) over customer_days,
            cast({{ dbt.dateadd('day', 1, 'history.as_of_date') }} as date)
        ) as valid_until,
        sum(change_days.order_change) over customer_running as frequency,
        -- Sums of added and removed values leave float residue; money is kept to the cent.
        round(sum(change_days.value_change) over customer_running, 2) as monetary,
        max(change_days.last_order_date) over customer_running as last_order_date
    from change_days
    cross join history
    window
        customer_days as (partition by change_days.profile_id order by change_days.change_date),
        customer_running as (
            partition by change_days.profile_id order by change_days.change_date
            rows between unbounded preceding and current row
        )
),

final as (
    select
        profile_id,
        valid_from,
        valid_until,
        cast(frequency as integer) as frequency,
        cast(monetary as {{ cdp.type_double() }}) as monetary,
        last_order_date
    from customer_spans
)

select * from final
