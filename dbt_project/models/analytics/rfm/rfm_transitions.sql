{#-
    One row per pair of consecutive snapshots and (from group, to group) that any customer took: how many customers
    were in `from_rfm_group` at the earlier snapshot and in `to_rfm_group` at the later one. Staying in a group is a
    row too (from = to). A customer first scored at the later snapshot has from_rfm_group null.
-#}

with

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

moves as (
    select
        previous_snapshot_date as from_snapshot_date,
        snapshot_date as to_snapshot_date,
        previous_snapshot_rfm_group as from_rfm_group,
        rfm_group as to_rfm_group,
        count(*) as customers
    from customer_rfm
    where previous_snapshot_date is not null
    group by previous_snapshot_date, snapshot_date, previous_snapshot_rfm_group, rfm_group
),

final as (
    select
        from_snapshot_date,
        to_snapshot_date,
        from_rfm_group,
        to_rfm_group,
        cast(customers as bigint) as customers,
        case
            when from_rfm_group is not null
                then cast(customers as {{ cdp.type_double() }}) / sum(customers) over (
                    partition by from_snapshot_date, from_rfm_group
                )
        end as from_group_share
    from moves
)

select * from final
