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

-- The percentiles are read off how many customers hold each value: group-bys and sorts, which spill to disk, where a
-- percentile aggregate holds every value of every snapshot in memory (at 2 million customers it ran out of 3 GB).
-- Each figure places the spans in the snapshots by its own range join and counts as it goes, rather than keep one
-- placement of every customer to be read three times.
value_counts as (
    {%- set recency_days = dbt.datediff('customer_spans.last_order_date', 'snapshots.snapshot_date', 'day') %}
    {%- for measure, figure in [
        ('recency', recency_days), ('frequency', 'customer_spans.frequency'), ('monetary', 'customer_spans.monetary')
    ] %}
    select
        snapshots.snapshot_date,
        '{{ measure }}' as measure,
        cast({{ figure }} as {{ cdp.type_double() }}) as measure_value,
        count(*) as customers
    from snapshots
    inner join {{ ref('rfm_customer_spans') }} as customer_spans
        on
            snapshots.snapshot_date >= customer_spans.valid_from
            and snapshots.snapshot_date < customer_spans.valid_until
    group by snapshots.snapshot_date, {{ figure }}
    {{- "\n    union all" if not loop.last }}
    {%- endfor %}
),

-- Each value covers the 0-based ranks first_rank to last_rank of its snapshot's customers, ordered by value.
value_ranks as (
    select
        snapshot_date,
        measure,
        measure_value,
        sum(customers) over measure_running - customers as first_rank,
        sum(customers) over measure_running - 1 as last_rank,
        sum(customers) over (partition by snapshot_date, measure) - 1 as top_rank
    from value_counts
    window measure_running as (
        partition by snapshot_date, measure order by measure_value
        rows between unbounded preceding and current row
    )
),

-- percentile_cont(p): the value at rank p x top_rank, interpolated between the ranks below and above it.
positions as (
    select
        *,
        {%- for name in ['low', 'high'] %}
            {#- A double, as percentile_cont computes (a decimal literal times 6 can give 3.99... for 4). #}
            {%- set position = "cast(" ~ cutoffs[loop.index0] ~ " as " ~ cdp.type_double() ~ ") * top_rank" %}
        {{ position }} as {{ name }}_position,
        floor({{ position }}) as {{ name }}_below,
        least(floor({{ position }}) + 1, top_rank) as {{ name }}_above
        {{- "," if not loop.last }}
        {%- endfor %}
    from value_ranks
),

measure_cutoffs as (
    select
        snapshot_date,
        measure,
        {%- for name in ['low', 'high'] %}
        max(case when {{ name }}_below between first_rank and last_rank then measure_value end)
        + (
            max(case when {{ name }}_above between first_rank and last_rank then measure_value end)
            - max(case when {{ name }}_below between first_rank and last_rank then measure_value end)
        ) * max({{ name }}_position - {{ name }}_below) as {{ name }}_cutoff
        {{- "," if not loop.last }}
        {%- endfor %}
    from positions
    group by snapshot_date, measure
),

snapshot_cutoffs as (
    select
        snapshot_date,
        {%- for measure in ['recency', 'frequency', 'monetary'] %}
            {%- set outer_last = loop.last %}
            {%- for name in ['low', 'high'] %}
        max(case when measure = '{{ measure }}' then {{ name }}_cutoff end) as {{ measure }}_{{ name }}_cutoff
        {{- "," if not (outer_last and loop.last) }}
            {%- endfor %}
        {%- endfor %}
    from measure_cutoffs
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
