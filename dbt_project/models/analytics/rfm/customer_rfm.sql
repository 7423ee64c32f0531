{#-
    One row per customer and snapshot: recency, frequency and monetary value at the snapshot, scored 1-3 on the
    store's own cut-offs of that snapshot (rfm_snapshots), and the RFM group of the scores (config/rfm.yaml groups).
    Each snapshot is placed in one span of each customer's figures (rfm_customer_spans) by a range join; a store
    below the minimums fails in rfm_customer_spans, so this is not built either.
-#}
{%- set rfm = cdp.rfm_settings() -%}

with

snapshots as (
    select * from {{ ref('rfm_snapshots') }}
),

customer_spans as (
    select * from {{ ref('rfm_customer_spans') }}
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
        customer_spans.frequency,
        customer_spans.monetary,
        snapshots.recency_low_cutoff,
        snapshots.recency_high_cutoff,
        snapshots.frequency_low_cutoff,
        snapshots.frequency_high_cutoff,
        snapshots.monetary_low_cutoff,
        snapshots.monetary_high_cutoff
    from snapshots
    inner join customer_spans
        on
            snapshots.snapshot_date >= customer_spans.valid_from
            and snapshots.snapshot_date < customer_spans.valid_until
),

-- A value on a cut-off takes the lower score; for recency fewer days are better.
scored as (
    select
        *,
        case
            when recency_days < recency_low_cutoff then 3
            when recency_days < recency_high_cutoff then 2
            else 1
        end as recency_score,
        case
            when frequency > frequency_high_cutoff then 3
            when frequency > frequency_low_cutoff then 2
            else 1
        end as frequency_score,
        case
            when monetary > monetary_high_cutoff then 3
            when monetary > monetary_low_cutoff then 2
            else 1
        end as monetary_score
    from customer_snapshots
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
