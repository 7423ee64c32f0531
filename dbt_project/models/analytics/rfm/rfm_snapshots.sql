{#-
    One row per snapshot: the customers scored at it and the store's own cut-offs of that snapshot, two percentiles
    (config/rfm.yaml percentile_cutoffs) of the customers' recency days, frequency and monetary value.

    Snapshots are the last day of every week, month or quarter (snapshot_interval) lying wholly in the history, and
    the as-of date, the day of the newest order of the metric. A snapshot below config/rfm.yaml minimums is left out:
    customers and history only grow, so those are the earliest ones (the latest is checked by rfm_customer_spans).
-#}
{%- set rfm = cdp.rfm_settings() -%}
{%- set cutoffs = rfm.percentile_cutoffs or [0, 0] -%}

with

customers as (
    select
        profile_id,
        min(valid_from) as first_order_date,
        max(last_order_date) as last_order_date
    from {{ ref('rfm_customer_spans') }}
    group by profile_id
),

history as (
    select
        min(first_order_date) as first_order_date,
        max(last_order_date) as as_of_date
    from customers
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
        snapshot_customers.customers,
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

-- The percentiles hold every value of a snapshot in memory: only the three figures are placed in the snapshots.
snapshot_figures as (
    select
        snapshots.snapshot_date,
        {{ dbt.datediff('customer_spans.last_order_date', 'snapshots.snapshot_date', 'day') }} as recency_days,
        customer_spans.frequency,
        customer_spans.monetary
    from snapshots
    inner join {{ ref('rfm_customer_spans') }} as customer_spans
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
    from snapshot_figures
    group by snapshot_date
),

final as (
    select
        snapshots.snapshot_date,
        snapshots.previous_snapshot_date,
        snapshots.is_latest_snapshot,
        cast(snapshots.customers as bigint) as customers,
        {%- for measure in ['recency', 'frequency', 'monetary'] %}
        cast(snapshot_cutoffs.{{ measure }}_low_cutoff as {{ cdp.type_double() }}) as {{ measure }}_low_cutoff,
        cast(snapshot_cutoffs.{{ measure }}_high_cutoff as {{ cdp.type_double() }}) as {{ measure }}_high_cutoff
        {{- "," if not loop.last }}
        {%- endfor %}
    from snapshots
    inner join snapshot_cutoffs
        on snapshots.snapshot_date = snapshot_cutoffs.snapshot_date
)

select * from final
