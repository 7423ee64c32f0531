{#-
    One row per customer scored at the latest snapshot (the as-of date), as Klaviyo shows it on a profile: the
    current scores and group, the last different group before it, and the snapshot when the current group began.
-#}

with

latest as (
    select
        profile_id,
        snapshot_date,
        recency_score,
        frequency_score,
        monetary_score,
        rfm_group,
        recency_days,
        frequency,
        monetary
    from {{ ref('customer_rfm') }}
    where is_latest_snapshot
),

-- Each snapshot where a customer's group differs from the one before (their first snapshot included); the last
-- one began the current group.
group_starts as (
    select
        profile_id,
        snapshot_date,
        previous_snapshot_rfm_group,
        row_number() over (partition by profile_id order by snapshot_date desc) as newest_first
    from {{ ref('customer_rfm') }}
    where rfm_group is distinct from previous_snapshot_rfm_group
),

final as (
    select
        latest.profile_id,
        latest.snapshot_date,
        latest.recency_score,
        latest.frequency_score,
        latest.monetary_score,
        latest.rfm_group,
        group_starts.previous_snapshot_rfm_group as previous_rfm_group,
        group_starts.snapshot_date as rfm_group_changed_date,
        latest.recency_days,
        latest.frequency,
        latest.monetary
    from latest
    inner join group_starts
        on
            latest.profile_id = group_starts.profile_id
            and group_starts.newest_first = 1
)

select * from final
