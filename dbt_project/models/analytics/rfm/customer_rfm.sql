{#-
    One row per customer and snapshot: recency, frequency and monetary value at the snapshot, scored 1-3 on the
    store's own cut-offs of that snapshot, and the RFM group of the scores (settings: config/rfm.yaml, var cdp_rfm).

    Cost: nothing here joins orders to snapshots. Each customer's orders become change points (a day with orders adds
    them and, with a lookback window, the day they leave it takes them off again), running sums give the customer's
    frequency and monetary value from one change point to the next, and a range join places each snapshot in one
    such span: customers x snapshots rows, never customers x orders x snapshots.
-#}
{%- set rfm = cdp.rfm_settings() -%}
{{- cdp.rfm_check_minimums(rfm) -}}
{%- set cutoffs = rfm.percentile_cutoffs or [0, 0] -%}

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

customers as (
    select
        profile_id,
        min(order_date) as first_order_date
    from order_days
    group by profile_id
),

history as (
    select
        min(order_date) as first_order_date,
        max(order_date) as as_of_date
    from order_days
),

new_customers_by_day as (
    select
        first_order_date,
        count(*) as new_customers
    from customers
    group by first_order_date
),

history_days as (
    {{ cdp.day_series(
        '(select first_order_date from history)', '(select as_of_date from history)'
    ) }}
),

-- The last day of every interval that lies wholly in the history, and the as-of date itself.
candidate_snapshots as (
    select history_days.metric_date as snapshot_date
    from history_days
    cross join history
    where
        history_days.metric_date = {{ dbt.last_day('history_days.metric_date', rfm.snapshot_interval) }}
        and cast({{ dbt.date_trunc(rfm.snapshot_interval, 'history_days.metric_date') }} as date)
        >= history.first_order_date
    union
    select as_of_date as snapshot_date
    from history
),

snapshot_customers as (
    select
        candidates.snapshot_date,
        sum(new_customers.new_customers) as customers
    from candidate_snapshots as candidates
    inner join new_customers_by_day as new_customers
        on candidates.snapshot_date >= new_customers.first_order_date
    group by candidates.snapshot_date
),

-- A snapshot below the minimums is left out; customers and history only grow, so those are the earliest ones.
snapshots as (
    select
        snapshot_customers.snapshot_date,
        snapshot_customers.snapshot_date = history.as_of_date as is_latest_snapshot,
        lag(snapshot_customers.snapshot_date) over (order by snapshot_customers.snapshot_date)
            as previous_snapshot_date
    from snapshot_customers
    cross join history
    where
        snapshot_customers.customers >= {{ rfm.minimums.customers }}
        and {{ dbt.datediff('history.first_order_date', 'snapshot_customers.snapshot_date', 'day') }}
        >= {{ rfm.minimums.history_days }}
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

customer_snapshots as (
    select
        customer_spans.profile_id,
        snapshots.snapshot_date,
        snapshots.previous_snapshot_date,
        snapshots.is_latest_snapshot,
        customer_spans.last_order_date,
        cast({{ dbt.datediff('customer_spans.last_order_date', 'snapshots.snapshot_date', 'day') }}
            as integer) as recency_days,
        cast(customer_spans.frequency as integer) as frequency,
        cast(customer_spans.monetary as {{ cdp.type_double() }}) as monetary
    from snapshots
    inner join customer_spans
        on
            snapshots.snapshot_date >= customer_spans.valid_from
            and snapshots.snapshot_date < customer_spans.valid_until
),

snapshot_cutoffs as (
    select
        snapshot_date,
        percentile_cont({{ cutoffs[0] }}) within group (order by recency_days) as recency_low_cutoff,
        percentile_cont({{ cutoffs[1] }}) within group (order by recency_days) as recency_high_cutoff,
        percentile_cont({{ cutoffs[0] }}) within group (order by frequency) as frequency_low_cutoff,
        percentile_cont({{ cutoffs[1] }}) within group (order by frequency) as frequency_high_cutoff,
        percentile_cont({{ cutoffs[0] }}) within group (order by monetary) as monetary_low_cutoff,
        percentile_cont({{ cutoffs[1] }}) within group (order by monetary) as monetary_high_cutoff
    from customer_snapshots
    group by snapshot_date
),

-- A value on a cut-off takes the lower score; for recency fewer days are better.
scored as (
    select
        customer_snapshots.*,
        case
            when customer_snapshots.recency_days < cutoffs.recency_low_cutoff then 3
            when customer_snapshots.recency_days < cutoffs.recency_high_cutoff then 2
            else 1
        end as recency_score,
        case
            when customer_snapshots.frequency > cutoffs.frequency_high_cutoff then 3
            when customer_snapshots.frequency > cutoffs.frequency_low_cutoff then 2
            else 1
        end as frequency_score,
        case
            when customer_snapshots.monetary > cutoffs.monetary_high_cutoff then 3
            when customer_snapshots.monetary > cutoffs.monetary_low_cutoff then 2
            else 1
        end as monetary_score
    from customer_snapshots
    inner join snapshot_cutoffs as cutoffs
        on customer_snapshots.snapshot_date = cutoffs.snapshot_date
),

grouped as (
    select
        *,
        case recency_score * 100 + frequency_score * 10 + monetary_score
            {%- for code, rfm_group in (rfm.score_groups or {}).items() %}
            when {{ code | int }} then {{ cdp.sql_literal(rfm_group) }}
            {%- endfor %}
        end as rfm_group
    from scored
),

final as (
    select
        profile_id,
        snapshot_date,
        recency_days,
        frequency,
        monetary,
        cast(recency_score as integer) as recency_score,
        cast(frequency_score as integer) as frequency_score,
        cast(monetary_score as integer) as monetary_score,
        rfm_group,
        last_order_date,
        is_latest_snapshot,
        previous_snapshot_date,
        case
            when lag(snapshot_date) over customer_history = previous_snapshot_date
                then lag(rfm_group) over customer_history
        end as previous_snapshot_rfm_group
    from grouped
    window customer_history as (partition by profile_id order by snapshot_date)
)

select * from final
