{#- One row per node of the identity graph: its current profile_id (the latest assignment in the history). -#}
with

nodes as (
    select * from {{ ref('int_identity_nodes') }}
),

history as (
    select * from {{ ref('int_identifier_profile_history') }}
),

latest as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by identifier_type, identifier_value order by assigned_at desc
            ) as assignment_rank
        from history
    ) as ranked
    where assignment_rank = 1
),

final as (
    select
        nodes.identifier_type,
        nodes.identifier_value,
        nodes.is_link,
        latest.profile_id,
        latest.profile_created_at,
        latest.assigned_at
    from nodes
    inner join latest
        on
            nodes.identifier_type = latest.identifier_type
            and nodes.identifier_value = latest.identifier_value
)

select * from final
