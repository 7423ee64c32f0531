{#-
    One row per snapshot and RFM group, all six groups at every snapshot (0 customers included): how many customers
    the group holds and their share of the customers scored at the snapshot.
-#}
{%- set rfm = cdp.rfm_settings() -%}

with

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

group_counts as (
    select
        snapshot_date,
        rfm_group,
        count(*) as customers
    from customer_rfm
    group by snapshot_date, rfm_group
),

snapshot_totals as (
    select
        snapshot_date,
        sum(customers) as snapshot_customers
    from group_counts
    group by snapshot_date
),

rfm_groups as (
    {%- for rfm_group in rfm.rfm_groups or [] %}
    select
        {{ cdp.sql_literal(rfm_group) }} as rfm_group,
        {{ loop.index }} as group_order
    {{- "\n    union all" if not loop.last }}
    {%- endfor %}
),

final as (
    select
        snapshot_totals.snapshot_date,
        rfm_groups.rfm_group,
        cast(coalesce(group_counts.customers, 0) as bigint) as customers,
        cast(coalesce(group_counts.customers, 0) as {{ cdp.type_double() }})
        / snapshot_totals.snapshot_customers as customer_share,
        cast(rfm_groups.group_order as integer) as group_order
    from snapshot_totals
    cross join rfm_groups
    left join group_counts
        on
            snapshot_totals.snapshot_date = group_counts.snapshot_date
            and rfm_groups.rfm_group = group_counts.rfm_group
)

select * from final
